import type { Entry, ViewSpec } from './live.types';
import { mayChange, Move, movesOf } from './view-moves';

const top = (limit: number): ViewSpec => ({ boardId: 'b', period: 'all', type: 'top', limit });
const around = (playerId: string, radius: number): ViewSpec => ({
  boardId: 'b',
  period: 'all',
  type: 'around',
  playerId,
  radius,
});
/** Entries ranked from..to, player ids p<rank>. */
const ranked = (from: number, to: number): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    rank: from + i,
    playerId: `p${from + i}`,
    score: 1000 - from - i,
  }));
const move = (lo: number, hi: number, playerId = 'x'): Move => ({
  period: 'all',
  cycle: 'all',
  playerId,
  lo,
  hi,
});

describe('rank moves of a submission', () => {
  it('spans the ranks between the old and the new one, to the end for entries added or trimmed', () => {
    const event = (rank: number | null, previousRank: number | null) => ({
      boardId: 'b',
      playerId: 'x',
      periods: [{ period: 'all' as const, cycle: 'all', rank, previousRank, score: 1 }],
    });
    expect(movesOf(event(3, 9))).toEqual([move(3, 9)]);
    expect(movesOf(event(9, 3))).toEqual([move(3, 9)]);
    expect(movesOf(event(4, 4))).toEqual([move(4, 4)]);
    expect(movesOf(event(5, null))).toEqual([move(5, Infinity)]);
    expect(movesOf(event(null, 5))).toEqual([move(5, Infinity)]);
    expect(movesOf(event(null, null))).toEqual([move(Infinity, Infinity)]);
  });
});

describe('whether a view may show other entries after some moves', () => {
  it('is reached by moves that overlap its rank window, and only by those', () => {
    const window = ranked(1, 10);
    expect(mayChange(top(10), 'all', window, [move(12, 40)])).toBe(false);
    expect(mayChange(top(10), 'all', window, [move(10, 40)])).toBe(true);
    expect(mayChange(top(10), 'all', window, [move(11, Infinity)])).toBe(false);
    expect(mayChange(top(10), 'all', window, [move(2, 2)])).toBe(true);
    expect(mayChange(top(10), 'all', window, [move(Infinity, Infinity)])).toBe(false);
  });

  it('is reached from above and below by an around window in the middle of the board', () => {
    const window = ranked(48, 52); // p50, radius 2
    expect(mayChange(around('p50', 2), 'all', window, [move(1, 47)])).toBe(false);
    expect(mayChange(around('p50', 2), 'all', window, [move(53, 90)])).toBe(false);
    expect(mayChange(around('p50', 2), 'all', window, [move(30, Infinity)])).toBe(true);
    expect(mayChange(around('p50', 2), 'all', window, [move(52, 60)])).toBe(true);
  });

  it('stays open to the end when the view is not full: an entry below moves in', () => {
    expect(mayChange(top(10), 'all', ranked(1, 4), [move(5, Infinity)])).toBe(true);
    // p50 is the last entry: the window is filled from above, a new entry below enters it.
    expect(mayChange(around('p50', 2), 'all', ranked(46, 50), [move(51, Infinity)])).toBe(true);
    expect(mayChange(top(10), 'all', [], [move(1, Infinity)])).toBe(true);
  });

  it('is reached only by its own player while that player is not ranked', () => {
    expect(mayChange(around('p9', 2), 'all', [], [move(1, Infinity, 'other')])).toBe(false);
    expect(mayChange(around('p9', 2), 'all', [], [move(7, Infinity, 'p9')])).toBe(true);
  });

  it('ignores moves on other periods and cycles, and cannot judge without what it showed', () => {
    const daily: Move = { ...move(1, 3), period: 'daily', cycle: '2026-11-26' };
    expect(mayChange(top(10), 'all', ranked(1, 10), [daily])).toBe(false);
    const yesterday: Move = { ...move(1, 3), period: 'daily', cycle: '2026-11-25' };
    const dailyTop: ViewSpec = { ...top(10), period: 'daily' };
    expect(mayChange(dailyTop, '2026-11-26', ranked(1, 10), [yesterday])).toBe(false);
    expect(mayChange(dailyTop, '2026-11-26', ranked(1, 10), [daily])).toBe(true);
    expect(mayChange(top(10), 'all', null, [move(90, 95)])).toBe(true);
    expect(mayChange(top(10), null, ranked(1, 10), [move(90, 95)])).toBe(true);
  });
});
