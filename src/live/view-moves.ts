import type { DirtyMessage, Entry, ViewSpec } from './live.types';

/**
 * What one applied submission may have changed on one period's cycle: ranks `lo..hi` (1-based,
 * Infinity for "to the end") can show other entries now. A player moving from rank p to rank r
 * shifts exactly the entries ranked between the two; a new entry (no p) or one trimmed away (no r)
 * shifts everything below it.
 */
export interface Move {
  period: string;
  cycle: string;
  playerId: string;
  lo: number;
  hi: number;
}

/** Rank moves a board may have had since a tick: `all` when unknown (any cause but submissions). */
export interface BoardMoves {
  all: boolean;
  moves: Move[];
}

/** Beyond this many moves per board and tick, checking every view against them costs more than it saves. */
export const MAX_MOVES = 256;

export function movesOf(event: DirtyMessage['events'][number]): Move[] {
  return event.periods.map((p) => {
    const r = p.rank ?? Infinity;
    const prev = p.previousRank ?? Infinity;
    const hi = r === Infinity || prev === Infinity ? Infinity : Math.max(r, prev);
    return {
      period: p.period,
      cycle: p.cycle,
      playerId: event.playerId,
      lo: Math.min(r, prev),
      hi,
    };
  });
}

/**
 * Whether a view may show something else after `moves`, judged from the entries it last showed
 * (null: not known here, so yes). Its rank window is that of its first and last entries, open
 * to the end when the view is not full (a top view shorter than its limit, an around view at the
 * bottom of the board or holding the whole board), since an entry below it would move in.
 */
export function mayChange(
  spec: ViewSpec,
  cycle: string | null,
  entries: Entry[] | null,
  moves: Move[],
): boolean {
  if (cycle === null || entries === null) return true;
  const mine = moves.filter((m) => m.period === spec.period && m.cycle === cycle);
  if (mine.length === 0) return false;
  if (spec.type === 'around' && entries.length === 0) {
    return mine.some((m) => m.playerId === spec.playerId); // not ranked: only its own score shows
  }
  const lo = entries.length === 0 ? 1 : entries[0].rank;
  const hi = isFull(spec, entries) ? entries[entries.length - 1].rank : Infinity;
  return mine.some((m) => m.lo <= hi && m.hi >= lo);
}

function isFull(spec: ViewSpec, entries: Entry[]): boolean {
  if (spec.type === 'top') return entries.length >= spec.limit;
  const at = entries.findIndex((e) => e.playerId === spec.playerId);
  return at >= 0 && entries.length - 1 - at >= spec.radius;
}
