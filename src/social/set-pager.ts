import type { PlayerId } from './social.types';

/** Where a page of a follow set stopped: an SSCAN cursor and the last member taken from its batch. */
export interface SetPosition {
  scan: string;
  after: PlayerId | null;
}

export type ScanStep = (cursor: string) => Promise<[string, PlayerId[]]>;

/** SSCAN steps one page may take before answering (possibly short, with a cursor) */
const MAX_STEPS = 20;

/**
 * One page of a set walked with SSCAN. Each SSCAN batch is sorted and deduplicated; a page that
 * fills up in the middle of a batch remembers the batch's cursor and its last member, and the next
 * page repeats that SSCAN step and continues after the member. Guarantee (SSCAN's, kept): every
 * member present for the whole walk is returned at least once; no page repeats a member; a member
 * may reappear on a later page if the set was resized (rehashed) between pages. A page may hold
 * fewer than `limit` members (even none) with a non-null cursor when SSCAN hits empty buckets.
 */
export async function pageOfSet(
  step: ScanStep,
  from: SetPosition,
  limit: number,
): Promise<{ members: PlayerId[]; next: SetPosition | null }> {
  const members: PlayerId[] = [];
  const seen = new Set<PlayerId>();
  let scan = from.scan;
  let after = from.after;
  for (let i = 0; i < MAX_STEPS; i++) {
    const [nextScan, batch] = await step(scan);
    const sorted = [...new Set(batch)].sort();
    for (const m of sorted) {
      if ((after !== null && m <= after) || seen.has(m)) continue;
      if (members.length === limit) return { members, next: { scan, after: members[limit - 1] } };
      members.push(m);
      seen.add(m);
    }
    after = null;
    scan = nextScan;
    if (scan === '0') return { members, next: null };
    if (members.length === limit) break;
  }
  return { members, next: { scan, after: null } };
}
