import type { Page, StoredBoard } from '../../src/leaderboards/leaderboard.types';
import type { RangeQuery } from '../../src/leaderboards/leaderboards.repository';
import { submissionTargets } from '../../src/leaderboards/cycle-policy';
import {
  applied,
  createBoard,
  openRepository,
  RepositoryFixture,
  submit,
  TOPOLOGIES,
} from '../support/repository-fixture';

describe.each(TOPOLOGIES)('LeaderboardsRepository reads (%s)', (topology) => {
  let f: RepositoryFixture;
  let board: StoredBoard;

  const page = async (limit: number, query: RangeQuery, meta = false): Promise<Page> => {
    const result = await f.repo.range(board, 'all', 'all', limit, query, meta);
    if (result === 'NOT_RANKED') throw new Error('unexpected NOT_RANKED');
    return result;
  };
  const ids = (p: Page): string[] => p.entries.map((e) => `${e.playerId}@${e.rank}`);

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_reads');
    // Rank order: p1 30; p4, p3, p2 tied on 20 (equal scores by member, reversed on desc); p5 10.
    board = await createBoard(f.repo, 'reads');
    const scores: [string, number][] = [
      ['p1', 30],
      ['p2', 20],
      ['p3', 20],
      ['p4', 20],
      ['p5', 10],
    ];
    for (const [player, score] of scores) {
      await applied(submit(f.repo, board, player, score, { metadata: `{"s":${score}}` }));
    }
  });
  afterAll(async () => {
    await f.close();
  });

  it('reads the top with exact shared ranks, metadata and the last position', async () => {
    expect(await page(2, { mode: 'top' }, true)).toEqual({
      total: 5,
      start: 0,
      version: 5, // five applied submissions
      entries: [
        { rank: 1, playerId: 'p1', score: 30, metadata: { s: 30 } },
        { rank: 2, playerId: 'p4', score: 20, metadata: { s: 20 } },
      ],
      last: { score: '20', member: 'p4' },
    });
  });

  it('pages after a position with ranks recomputed inside a block of equal scores', async () => {
    const second = await page(2, { mode: 'after', score: '20', member: 'p4' });
    expect([second.start, ids(second)]).toEqual([2, ['p3@2', 'p2@2']]);
    const third = await page(2, { mode: 'after', score: '20', member: 'p2' });
    expect([third.start, ids(third), third.last]).toEqual([
      4,
      ['p5@5'],
      { score: '10', member: 'p5' },
    ]);
    const end = await page(2, { mode: 'after', score: '10', member: 'p5' });
    expect(end).toEqual({ total: 5, start: 5, version: 5, entries: [], last: null });
  });

  it('resumes after a position whose member is no longer there', async () => {
    // 'p35' sorts between p3 and p4: on a desc board it would stand right before p3.
    expect(ids(await page(10, { mode: 'after', score: '20', member: 'p35' }))).toEqual([
      'p3@2',
      'p2@2',
      'p5@5',
    ]);
    // A score between two blocks resumes at the next block.
    expect(ids(await page(10, { mode: 'after', score: '25', member: 'zz' }))).toEqual([
      'p4@2',
      'p3@2',
      'p2@2',
      'p5@5',
    ]);
  });

  it('reads around a player, filled from the other side at the edges', async () => {
    const middle = await page(0, { mode: 'around', playerId: 'p3', radius: 1 });
    expect([middle.start, ids(middle)]).toEqual([1, ['p4@2', 'p3@2', 'p2@2']]);
    const first = await page(0, { mode: 'around', playerId: 'p1', radius: 1 });
    expect([first.start, ids(first)]).toEqual([0, ['p1@1', 'p4@2', 'p3@2']]);
    const last = await page(0, { mode: 'around', playerId: 'p5', radius: 1 });
    expect([last.start, ids(last)]).toEqual([2, ['p3@2', 'p2@2', 'p5@5']]);
    const wide = await page(0, { mode: 'around', playerId: 'p5', radius: 10 });
    expect(ids(wide)).toEqual(['p1@1', 'p4@2', 'p3@2', 'p2@2', 'p5@5']);
    expect(
      await f.repo.range(
        board,
        'all',
        'all',
        0,
        { mode: 'around', playerId: 'nobody', radius: 1 },
        false,
      ),
    ).toBe('NOT_RANKED');
  });

  it('reads ranks of given players, null for the unranked, plus the total', async () => {
    expect(await f.repo.ranks(board, 'all', 'all', ['p2', 'nobody', 'p5'], true)).toEqual({
      total: 5,
      entries: [
        { rank: 2, playerId: 'p2', score: 20, metadata: { s: 20 } },
        null,
        { rank: 5, playerId: 'p5', score: 10, metadata: { s: 10 } },
      ],
    });
    expect(await f.repo.ranks(board, 'all', 'all', ['p1'], false)).toEqual({
      total: 5,
      entries: [{ rank: 1, playerId: 'p1', score: 30 }],
    });
  });

  it('pages and reads around on a first-ties board with player ids, not members', async () => {
    const first = await createBoard(f.repo, 'reads-first', { ties: 'first' });
    for (const player of ['x1', 'x2', 'x3']) await applied(submit(f.repo, first, player, 7));
    const top = await f.repo.range(first, 'all', 'all', 2, { mode: 'top' }, false);
    if (top === 'NOT_RANKED') throw new Error('unexpected NOT_RANKED');
    expect(top.entries.map((e) => `${e.playerId}@${e.rank}`)).toEqual(['x1@1', 'x2@2']);
    expect(top.last?.member).toMatch(/^\d{15}:x2$/);
    const next = await f.repo.range(first, 'all', 'all', 2, { mode: 'after', ...top.last! }, false);
    expect(next !== 'NOT_RANKED' && next.entries).toEqual([{ rank: 3, playerId: 'x3', score: 7 }]);
    const around = await f.repo.range(
      first,
      'all',
      'all',
      0,
      { mode: 'around', playerId: 'x3', radius: 1 },
      false,
    );
    expect(around !== 'NOT_RANKED' && around.entries.map((e) => e.playerId)).toEqual([
      'x1',
      'x2',
      'x3',
    ]);
  });

  it('lists the retained cycles of a period newest first and expires timed cycles', async () => {
    const daily = await createBoard(f.repo, 'reads-daily', {
      periods: ['all', 'daily'],
      retain: 2,
    });
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']) {
      const at = new Date(`${day}T12:00:00.000Z`);
      await applied(submit(f.repo, daily, 'p1', 1, { targets: submissionTargets(daily, at, at) }));
    }
    expect(await f.repo.cycles('reads-daily', 'daily')).toEqual([
      { cycle: '2026-11-23', startsAtMs: Date.UTC(2026, 10, 23) },
      { cycle: '2026-11-22', startsAtMs: Date.UTC(2026, 10, 22) },
      { cycle: '2026-11-21', startsAtMs: Date.UTC(2026, 10, 21) },
    ]);
    expect(await f.repo.cycles('reads-daily', 'all')).toEqual([]);
    expect(
      await f.client.pttl(f.keys.cycleScores('reads-daily', 'daily', '2026-11-23')),
    ).toBeGreaterThan(0);
    expect(await f.client.pttl(f.keys.cycleScores('reads-daily', 'all', 'all'))).toBe(-1);
    expect(await f.repo.cycleSize('reads-daily', 'daily', '2026-11-22')).toBe(1);
  });
});
