import {
  applied,
  boardConfig,
  createBoard,
  outcomes,
  RepositoryFixture,
  openRepository,
  submit,
  TOPOLOGIES,
} from '../support/repository-fixture';

describe.each(TOPOLOGIES)('LeaderboardsRepository boards and submissions (%s)', (topology) => {
  let f: RepositoryFixture;

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_repo');
  });
  afterAll(async () => {
    await f.close();
  });

  it('stores a new board and reads it back with version 0 and no scores', async () => {
    const config = boardConfig('cfg', { order: 'asc', capacity: 50, minScore: 0, public: true });
    expect(await f.repo.putBoard(config)).toBe('CREATED');
    expect(await f.repo.getBoard('cfg')).toEqual({ ...config, version: 0, hasScores: false });
    expect(await f.repo.getBoard('missing')).toBeNull();
    expect(await f.repo.listBoardIds(null, 10)).toContain('cfg');
  });

  it('updates a board, dropping optional fields the new configuration leaves out', async () => {
    const updated = boardConfig('cfg', { order: 'asc', title: 'Renamed', public: true });
    expect(await f.repo.putBoard(updated)).toBe('UPDATED');
    expect(await f.repo.getBoard('cfg')).toEqual({ ...updated, version: 0, hasScores: false });
  });

  it('lists board ids in id order after a given id', async () => {
    for (const id of ['list-c', 'list-a', 'list-b']) await f.repo.putBoard(boardConfig(id));
    const ids = await f.repo.listBoardIds('list-', 10);
    expect(ids).toEqual(['list-a', 'list-b', 'list-c']);
    expect(await f.repo.listBoardIds('list-a', 1)).toEqual(['list-b']);
  });

  it('refuses to change order, update or ties once the board has scores', async () => {
    const board = await createBoard(f.repo, 'locked');
    await applied(submit(f.repo, board, 'p1', 10));
    expect(await f.repo.putBoard(boardConfig('locked', { order: 'asc' }))).toBe('CONFLICT:order');
    expect(await f.repo.putBoard(boardConfig('locked', { update: 'sum' }))).toBe('CONFLICT:update');
    expect(await f.repo.putBoard(boardConfig('locked', { ties: 'first' }))).toBe('CONFLICT:ties');
    expect(await f.repo.putBoard(boardConfig('locked', { title: 'New' }))).toBe('UPDATED');
    expect(await f.repo.getBoard('locked')).toMatchObject({
      title: 'New',
      order: 'desc',
      version: 1,
      hasScores: true,
    });
  });

  it('keeps the best score when the policy is best, on a descending board', async () => {
    const board = await createBoard(f.repo, 'best-desc');
    expect(await applied(submit(f.repo, board, 'p1', 10))).toEqual({
      period: 'all',
      cycle: 'all',
      score: '10',
      rank: 1,
      improved: true,
      changed: true,
    });
    expect(await applied(submit(f.repo, board, 'p1', 5))).toEqual({
      period: 'all',
      cycle: 'all',
      score: '10',
      rank: 1,
      previousScore: '10',
      previousRank: 1,
      improved: false,
      changed: false,
    });
    await applied(submit(f.repo, board, 'p2', 15));
    expect(await applied(submit(f.repo, board, 'p1', 20.5))).toMatchObject({
      score: '20.5',
      rank: 1,
      previousScore: '10',
      previousRank: 2,
      improved: true,
    });
    expect(await f.repo.getBoard('best-desc')).toMatchObject({ version: 3, hasScores: true });
  });

  it('keeps the lowest score when the policy is best on an ascending board', async () => {
    const board = await createBoard(f.repo, 'best-asc', { order: 'asc' });
    await applied(submit(f.repo, board, 'p1', 30));
    expect(await applied(submit(f.repo, board, 'p1', 40))).toMatchObject({ score: '30' });
    expect(await applied(submit(f.repo, board, 'p1', 25))).toMatchObject({
      score: '25',
      improved: true,
    });
  });

  it('replaces the score, even with a worse one, when the policy is latest', async () => {
    const board = await createBoard(f.repo, 'latest', { update: 'latest' });
    await applied(submit(f.repo, board, 'p1', 50));
    await applied(submit(f.repo, board, 'p2', 40));
    expect(await applied(submit(f.repo, board, 'p1', 30))).toMatchObject({
      score: '30',
      rank: 2,
      previousScore: '50',
      previousRank: 1,
      improved: false,
      changed: true,
    });
    expect(await applied(submit(f.repo, board, 'p1', 30))).toMatchObject({ changed: false });
  });

  it('adds submissions up when the policy is sum, negative ones included', async () => {
    const board = await createBoard(f.repo, 'sum', { update: 'sum' });
    await applied(submit(f.repo, board, 'p1', 10));
    await applied(submit(f.repo, board, 'p1', 32));
    expect(await applied(submit(f.repo, board, 'p1', -2))).toMatchObject({
      score: '40',
      previousScore: '42',
      improved: false,
    });
  });

  it('accepts a sum of exactly ±2^53 on an integer board and rejects one beyond, unwritten', async () => {
    const board = await createBoard(f.repo, 'int-sum', { update: 'sum', integer: true });
    await applied(submit(f.repo, board, 'p1', 2 ** 53));
    expect(await submit(f.repo, board, 'p1', 1)).toEqual({
      kind: 'error',
      code: 'VALIDATION_FAILED',
    });
    await applied(submit(f.repo, board, 'p2', 1 - 2 ** 53));
    expect(await applied(submit(f.repo, board, 'p2', -1))).toMatchObject({
      score: '-9007199254740992',
    });
    expect((await submit(f.repo, board, 'p2', -1)).kind).toBe('error');
    const { entries } = await f.repo.ranks(board, 'all', 'all', ['p1', 'p2'], false);
    expect(entries).toEqual([
      { rank: 1, playerId: 'p1', score: 2 ** 53 },
      { rank: 2, playerId: 'p2', score: -(2 ** 53) },
    ]);
  });

  it('answers BOARD_NOT_FOUND for a board whose configuration is gone', async () => {
    const board = await createBoard(f.repo, 'vanishing');
    await f.client.del(f.keys.boardConfig('vanishing'));
    expect(await submit(f.repo, board, 'p1', 1)).toEqual({
      kind: 'error',
      code: 'BOARD_NOT_FOUND',
    });
    expect(await f.repo.cycleSize('vanishing', 'all', 'all')).toBe(0);
  });

  it('replays the first result for a repeated idempotency key and refuses another body', async () => {
    const board = await createBoard(f.repo, 'idem', { update: 'sum' });
    const first = await submit(f.repo, board, 'p1', 5, { key: 'k1', fingerprint: 'body-a' });
    expect(first.kind).toBe('applied');
    const again = await submit(f.repo, board, 'p1', 5, { key: 'k1', fingerprint: 'body-a' });
    expect(again).toEqual({ kind: 'replayed', json: first.kind === 'applied' && first.json });
    expect(await submit(f.repo, board, 'p1', 6, { key: 'k1', fingerprint: 'body-b' })).toEqual({
      kind: 'error',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(outcomes(await submit(f.repo, board, 'p1', 5, { key: 'k2' }))[0].score).toBe('10');
    const ttl = await f.client.pttl(f.keys.idempotency('idem', 'k1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("stores metadata with the entry and keeps it when a best-policy score doesn't improve", async () => {
    const board = await createBoard(f.repo, 'meta');
    await applied(submit(f.repo, board, 'p1', 10, { metadata: '{"car":"red"}' }));
    await applied(submit(f.repo, board, 'p1', 5, { metadata: '{"car":"blue"}' }));
    const { entries } = await f.repo.ranks(board, 'all', 'all', ['p1'], true);
    expect(entries).toEqual([{ rank: 1, playerId: 'p1', score: 10, metadata: { car: 'red' } }]);
  });

  it('sets the exact score in set mode regardless of the policy', async () => {
    const board = await createBoard(f.repo, 'import', { update: 'sum' });
    await applied(submit(f.repo, board, 'p1', 10));
    expect(await applied(submit(f.repo, board, 'p1', 3, { mode: 'set' }))).toMatchObject({
      score: '3',
      previousScore: '10',
    });
  });

  it("indexes the board under the player's boards", async () => {
    const board = await createBoard(f.repo, 'indexed');
    await applied(submit(f.repo, board, 'indexer', 1));
    expect(await f.repo.playerBoardIds('indexer')).toEqual(['indexed']);
    await f.repo.forgetPlayerBoards('indexer');
    expect(await f.repo.playerBoardIds('indexer')).toEqual([]);
  });
});
