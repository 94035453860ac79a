import { newerThan } from './activity-id';
import type { FeedPosition, FeedRow, StoredActivity, WindowQuery } from './activity.types';

/** One time-ordered list: its rows strictly after a position, newest first. */
export type FeedSource = (q: WindowQuery) => Promise<FeedRow[]>;
export type BodyLoader = (rows: FeedRow[]) => Promise<(StoredActivity | null)[]>;

export interface PageRequest {
  since: number | null;
  until: number | null;
  after: FeedPosition | null;
  limit: number;
}

export interface Page {
  items: StoredActivity[];
  /** Position of the last row read; null when nothing older is left. */
  next: FeedPosition | null;
}

/** Rounds of reading past rows whose activity is gone (deleted or expired) before giving up. */
const MAX_ROUNDS = 4;

/**
 * A page merged from several sources by (time, id), newest first, each activity once. Every
 * source returns its first `n` rows after the position, so the merged first `n` are exact; the
 * next position is the last row read, so a following page starts strictly after it whatever was
 * written in between (no duplicates, no gaps among older rows).
 */
export async function readPage(
  sources: FeedSource[],
  req: PageRequest,
  load: BodyLoader,
): Promise<Page> {
  const items: StoredActivity[] = [];
  let after = req.after;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const need = req.limit - items.length;
    const q: WindowQuery = { since: req.since, until: req.until, after, limit: need + 1 };
    const rows = merge(await Promise.all(sources.map((s) => s(q))));
    const taken = rows.slice(0, need);
    const bodies = await load(taken);
    bodies.forEach((b) => b && items.push(b));
    if (rows.length <= need) return { items, next: null };
    const last = taken[taken.length - 1];
    after = { t: last.t, id: last.id };
    if (items.length === req.limit) break;
  }
  return { items, next: after };
}

function merge(lists: FeedRow[][]): FeedRow[] {
  if (lists.length === 1) return lists[0];
  const seen = new Set<string>();
  return lists
    .flat()
    .sort((a, b) => (newerThan(a, b) ? -1 : newerThan(b, a) ? 1 : 0))
    .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
