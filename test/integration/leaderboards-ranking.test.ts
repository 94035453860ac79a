import {
  applied,
  boardConfig,
  createBoard,
  openRepository,
  RepositoryFixture,
  submit,
  topEntries,
  TOPOLOGIES,
} from '../support/repository-fixture';

describe.each(TOPOLOGIES)('LeaderboardsRepository ties and capacity (%s)', (topology) => {
  let f: RepositoryFixture;

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_ranking');
  });
  afterAll(async () => {
    await f.close();
  });

  it('gives equal scores the same rank when ties are shared (1, 1, 3)', async () => {
    const board = await createBoard(f.repo, 'shared');
    await applied(submit(f.repo, board, 'a', 10));
    await applied(submit(f.repo, board, 'b', 20));
    expect(await applied(submit(f.repo, board, 'c', 20))).toMatchObject({ rank: 1 });
    await applied(submit(f.repo, board, 'd', 5));
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'c', score: 20 },
      { rank: 1, playerId: 'b', score: 20 },
      { rank: 3, playerId: 'a', score: 10 },
      { rank: 4, playerId: 'd', score: 5 },
    ]);
  });

  it('ranks the earlier arrival higher among equal scores when ties are first', async () => {
    const board = await createBoard(f.repo, 'first', { ties: 'first' });
    await applied(submit(f.repo, board, 'a', 10));
    await applied(submit(f.repo, board, 'b', 20));
    expect(await applied(submit(f.repo, board, 'c', 20))).toMatchObject({ rank: 2 });
    await applied(submit(f.repo, board, 'd', 5));
    // A submission that changes nothing keeps the original arrival.
    expect(await applied(submit(f.repo, board, 'b', 20))).toMatchObject({
      rank: 1,
      changed: false,
    });
    expect(await applied(submit(f.repo, board, 'a', 20))).toEqual({
      period: 'all',
      cycle: 'all',
      score: '20',
      rank: 3,
      previousScore: '10',
      previousRank: 3,
      improved: true,
      changed: true,
    });
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'b', score: 20 },
      { rank: 2, playerId: 'c', score: 20 },
      { rank: 3, playerId: 'a', score: 20 },
      { rank: 4, playerId: 'd', score: 5 },
    ]);
  });

  it('ranks the earlier arrival higher among equal scores on an ascending first-ties board', async () => {
    const board = await createBoard(f.repo, 'first-asc', { ties: 'first', order: 'asc' });
    for (const [player, score] of [
      ['z', 7],
      ['y', 5],
      ['x', 5],
      ['w', 9],
    ] as const) {
      await applied(submit(f.repo, board, player, score));
    }
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'y', score: 5 },
      { rank: 2, playerId: 'x', score: 5 },
      { rank: 3, playerId: 'z', score: 7 },
      { rank: 4, playerId: 'w', score: 9 },
    ]);
  });

  it('re-stamps the arrival when a latest-policy score changes on a first-ties board', async () => {
    const board = await createBoard(f.repo, 'first-latest', { ties: 'first', update: 'latest' });
    await applied(submit(f.repo, board, 'a', 10));
    await applied(submit(f.repo, board, 'b', 10));
    expect(await applied(submit(f.repo, board, 'a', 10))).toMatchObject({
      rank: 1,
      changed: false,
    });
    await applied(submit(f.repo, board, 'a', 11));
    expect(await applied(submit(f.repo, board, 'a', 10))).toMatchObject({
      rank: 2,
      previousRank: 1,
    });
  });

  it('adds up exactly on a first-ties sum board', async () => {
    const board = await createBoard(f.repo, 'first-sum', { ties: 'first', update: 'sum' });
    await applied(submit(f.repo, board, 'a', 0.1));
    const outcome = await applied(submit(f.repo, board, 'a', 0.2));
    // Redis 7.0 prints 17 significant digits, 7.2 the shortest form: compare as doubles.
    expect([Number(outcome.score), Number(outcome.previousScore)]).toEqual([0.1 + 0.2, 0.1]);
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'a', score: 0.30000000000000004 },
    ]);
  });

  it('keeps only the best entries of a descending board when capacity overflows by several', async () => {
    const board = await createBoard(f.repo, 'cap-desc', { capacity: 5 });
    for (const [i, score] of [10, 20, 30, 40, 50].entries()) {
      await applied(submit(f.repo, board, `p${i + 1}`, score, { metadata: `{"n":${i + 1}}` }));
    }
    expect(await f.repo.putBoard(boardConfig('cap-desc', { capacity: 2 }))).toBe('UPDATED');
    expect(await applied(submit(f.repo, board, 'p6', 35, { metadata: '{"n":6}' }))).toEqual({
      period: 'all',
      cycle: 'all',
      improved: false,
      changed: true,
    });
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'p5', score: 50 },
      { rank: 2, playerId: 'p4', score: 40 },
    ]);
    const entriesKey = f.keys.cycleEntries('cap-desc', 'all', 'all');
    expect((await f.client.hkeys(entriesKey)).sort()).toEqual(['d:p4', 'd:p5']);
    expect(await applied(submit(f.repo, board, 'p7', 45))).toMatchObject({ rank: 2 });
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'p5', score: 50 },
      { rank: 2, playerId: 'p7', score: 45 },
    ]);
  });

  it('keeps only the lowest entries of an ascending board when capacity overflows by several', async () => {
    const board = await createBoard(f.repo, 'cap-asc', { order: 'asc', capacity: 4 });
    for (const [i, score] of [5, 4, 3, 2].entries()) {
      await applied(submit(f.repo, board, `p${i + 1}`, score));
    }
    expect(await f.repo.putBoard(boardConfig('cap-asc', { order: 'asc', capacity: 2 }))).toBe(
      'UPDATED',
    );
    expect(await applied(submit(f.repo, board, 'p5', 1))).toMatchObject({ rank: 1, score: '1' });
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'p5', score: 1 },
      { rank: 2, playerId: 'p4', score: 2 },
    ]);
    expect(await f.repo.cycleSize('cap-asc', 'all', 'all')).toBe(2);
  });

  it('trims the latest arrival among equal scores at capacity on a first-ties board', async () => {
    const board = await createBoard(f.repo, 'cap-first', { ties: 'first', capacity: 2 });
    await applied(submit(f.repo, board, 'a', 10));
    await applied(submit(f.repo, board, 'b', 10));
    const trimmed = await applied(submit(f.repo, board, 'c', 10));
    expect(trimmed.rank).toBeUndefined();
    expect(await topEntries(f.repo, board)).toEqual([
      { rank: 1, playerId: 'a', score: 10 },
      { rank: 2, playerId: 'b', score: 10 },
    ]);
    const entriesKey = f.keys.cycleEntries('cap-first', 'all', 'all');
    expect((await f.client.hkeys(entriesKey)).sort()).toEqual(['m:a', 'm:b']);
  });
});
