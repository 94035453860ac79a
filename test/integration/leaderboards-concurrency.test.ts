import { submissionTargets } from '../../src/leaderboards/cycle-policy';
import type { SubmitReply } from '../../src/leaderboards/leaderboards.repository';
import {
  createBoard,
  openRepository,
  outcomes,
  RepositoryFixture,
  submit,
  topEntries,
  TOPOLOGIES,
} from '../support/repository-fixture';

const AT = new Date('2026-11-25T12:00:00.000Z');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Hundreds of concurrent submissions through one script, then exact totals (DESIGN §3). On the
 * cluster every key one submission touches must share the board's slot, or the script fails.
 */
describe.each(TOPOLOGIES)('LeaderboardsRepository under concurrency (%s)', (topology) => {
  let f: RepositoryFixture;

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_concurrency');
  });
  afterAll(async () => {
    await f.close();
  });

  it('adds up 300 concurrent +1 submissions with distinct keys to exactly 300 in every period', async () => {
    const board = await createBoard(f.repo, 'race', {
      update: 'sum',
      periods: ['all', 'daily', 'weekly', 'monthly'],
    });
    const targets = submissionTargets(board, AT, AT);
    const replies = await Promise.all(
      range(300).map((i) => submit(f.repo, board, 'p1', 1, { key: `race-${i}`, targets })),
    );
    expect(replies.every((r) => r.kind === 'applied')).toBe(true);
    // Each submission saw a different running total: 1..300, each exactly once.
    const totals = replies.map((r) => Number(outcomes(r)[0].score)).sort((a, b) => a - b);
    expect(totals).toEqual(range(300).map((i) => i + 1));
    for (const t of targets) {
      const cycle = { period: t.period as 'all' | 'daily', id: t.cycle };
      expect(await topEntries(f.repo, board, 10, cycle)).toEqual([
        { rank: 1, playerId: 'p1', score: 300 },
      ]);
    }
    expect((await f.repo.getBoard('race'))!.version).toBe(300);
  });

  it('applies 100 concurrent submissions with the same key once and replays the rest', async () => {
    const board = await createBoard(f.repo, 'same-key', { update: 'sum' });
    const replies = await Promise.all(
      range(100).map(() => submit(f.repo, board, 'p1', 1, { key: 'only-once' })),
    );
    const kinds = replies.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'applied')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'replayed')).toHaveLength(99);
    const first = replies.find((r) => r.kind === 'applied') as Extract<
      SubmitReply,
      { json: string }
    >;
    expect(new Set(replies.map((r) => (r.kind === 'error' ? r.code : r.json)))).toEqual(
      new Set([first.json]),
    );
    expect(await topEntries(f.repo, board)).toEqual([{ rank: 1, playerId: 'p1', score: 1 }]);
  });

  it('ranks 200 players submitting concurrently on a first-ties board without gaps', async () => {
    const board = await createBoard(f.repo, 'crowd', { ties: 'first' });
    const replies = await Promise.all(range(200).map((i) => submit(f.repo, board, `p${i}`, 50)));
    const ranks = replies.map((r) => outcomes(r)[0].rank).sort((a, b) => a! - b!);
    expect(ranks).toEqual(range(200).map((i) => i + 1));
    const top = await topEntries(f.repo, board, 100);
    expect(top.map((e) => e.rank)).toEqual(range(100).map((i) => i + 1));
    expect(await f.repo.cycleSize('crowd', 'all', 'all')).toBe(200);
  });
});
