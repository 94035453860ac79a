import { submissionTargets } from '../../src/leaderboards/cycle-policy';
import {
  applied,
  createBoard,
  openRepository,
  RepositoryFixture,
  scanAll,
  submit,
  topEntries,
  TOPOLOGIES,
} from '../support/repository-fixture';

const DAY = { period: 'daily' as const, id: '2026-11-25' };
const AT = new Date('2026-11-25T12:00:00.000Z');

describe.each(TOPOLOGIES)('LeaderboardsRepository removal (%s)', (topology) => {
  let f: RepositoryFixture;

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_removal');
  });
  afterAll(async () => {
    await f.close();
  });

  it('removes a player from every given cycle and bumps the version once', async () => {
    const board = await createBoard(f.repo, 'rm', { periods: ['all', 'daily'] });
    const targets = submissionTargets(board, AT, AT);
    await applied(submit(f.repo, board, 'p1', 10, { targets, metadata: '{"a":1}' }));
    await applied(submit(f.repo, board, 'p2', 20, { targets }));
    const cycles = [
      { period: 'all' as const, cycle: 'all' },
      { period: 'daily' as const, cycle: DAY.id },
    ];
    const before = (await f.repo.getBoard('rm'))!.version;
    expect(await f.repo.removePlayer(board, 'p1', cycles)).toBe(2);
    expect((await f.repo.getBoard('rm'))!.version).toBe(before + 1);
    expect(await topEntries(f.repo, board)).toEqual([{ rank: 1, playerId: 'p2', score: 20 }]);
    expect(await topEntries(f.repo, board, 100, DAY)).toEqual([
      { rank: 1, playerId: 'p2', score: 20 },
    ]);
    expect(await f.client.hkeys(f.keys.cycleEntries('rm', 'all', 'all'))).toEqual([]);
    expect(await f.repo.removePlayer(board, 'p1', cycles)).toBe(0);
    expect((await f.repo.getBoard('rm'))!.version).toBe(before + 1);
  });

  it('removes a player and their arrival stamp on a first-ties board', async () => {
    const board = await createBoard(f.repo, 'rm-first', { ties: 'first' });
    await applied(submit(f.repo, board, 'a', 5));
    await applied(submit(f.repo, board, 'b', 5));
    expect(await f.repo.removePlayer(board, 'a', [{ period: 'all', cycle: 'all' }])).toBe(1);
    expect(await f.client.hkeys(f.keys.cycleEntries('rm-first', 'all', 'all'))).toEqual(['m:b']);
    expect(await topEntries(f.repo, board)).toEqual([{ rank: 1, playerId: 'b', score: 5 }]);
    // Back on the board, the player arrives after b.
    expect(await applied(submit(f.repo, board, 'a', 5))).toMatchObject({ rank: 2 });
  });

  it('deletes every key of a board, on every node, and nothing of other boards', async () => {
    const board = await createBoard(f.repo, 'doomed', { periods: ['all', 'daily', 'weekly'] });
    const keep = await createBoard(f.repo, 'kept');
    const targets = submissionTargets(board, AT, AT);
    for (let i = 0; i < 20; i += 1) {
      await applied(
        submit(f.repo, board, `p${i}`, i, { targets, key: `k${i}`, metadata: '{"x":1}' }),
      );
    }
    await applied(submit(f.repo, keep, 'p1', 1));
    const boardKeys = `${f.prefix}:{b:doomed}:*`;
    // cfg, idempotency records, and per period: scores, entries (and the index for timed periods).
    expect((await scanAll(f.client, boardKeys)).length).toBe(1 + 20 + 2 + 3 + 3);
    const keptBefore = await scanAll(f.client, `${f.prefix}:{b:kept}:*`);

    expect(await f.repo.deleteBoard('doomed')).toBe(true);
    expect(await scanAll(f.client, boardKeys)).toEqual([]);
    expect(await f.repo.getBoard('doomed')).toBeNull();
    expect(await f.repo.listBoardIds(null, 100)).toEqual(['kept', 'rm', 'rm-first']);
    expect(await scanAll(f.client, `${f.prefix}:{b:kept}:*`)).toEqual(keptBefore);
    expect(await f.repo.deleteBoard('doomed')).toBe(false);
  });
});
