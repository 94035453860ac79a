import { startApp, TestApp } from '../support/app';
import { createBoard, standings, submit, top } from './scores-support';

/** API §2: update policies on high-is-better and low-is-better boards, and metadata. */
describe('score update policies over REST', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-policies' });
  });
  afterAll(async () => {
    await t.close();
  });

  const all = async (boardId: string, playerId: string, score: number, extra = {}) =>
    (await submit(t, boardId, { playerId, score, ...extra })).periods.all;

  it('keeps the best score when the policy is best on a desc board', async () => {
    await createBoard(t, 'best-desc', { update: 'best' });
    expect(await all('best-desc', 'a', 100)).toEqual({
      cycle: 'all',
      score: 100,
      rank: 1,
      previousRank: null,
      previousScore: null,
      improved: true,
    });
    expect(await all('best-desc', 'b', 150)).toMatchObject({ score: 150, rank: 1, improved: true });
    expect(await all('best-desc', 'a', 90)).toEqual({
      cycle: 'all',
      score: 100,
      rank: 2,
      previousRank: 2,
      previousScore: 100,
      improved: false,
    });
    expect(await all('best-desc', 'a', 200)).toEqual({
      cycle: 'all',
      score: 200,
      rank: 1,
      previousRank: 2,
      previousScore: 100,
      improved: true,
    });
    expect(await standings(t, 'best-desc')).toEqual([
      ['a', 200, 1],
      ['b', 150, 2],
    ]);
  });

  it('keeps the lowest time when the policy is best on an asc board', async () => {
    await createBoard(t, 'best-asc', { order: 'asc', update: 'best' });
    expect(await all('best-asc', 'a', 62.5)).toMatchObject({
      score: 62.5,
      rank: 1,
      improved: true,
    });
    expect(await all('best-asc', 'b', 60.25)).toEqual({
      cycle: 'all',
      score: 60.25,
      rank: 1,
      previousRank: null,
      previousScore: null,
      improved: true,
    });
    expect(await all('best-asc', 'a', 70)).toEqual({
      cycle: 'all',
      score: 62.5,
      rank: 2,
      previousRank: 2,
      previousScore: 62.5,
      improved: false,
    });
    expect(await all('best-asc', 'a', 59.75)).toEqual({
      cycle: 'all',
      score: 59.75,
      rank: 1,
      previousRank: 2,
      previousScore: 62.5,
      improved: true,
    });
    expect(await standings(t, 'best-asc')).toEqual([
      ['a', 59.75, 1],
      ['b', 60.25, 2],
    ]);
  });

  it('replaces the score, better or worse, when the policy is latest on a desc board', async () => {
    await createBoard(t, 'latest-desc', { update: 'latest' });
    await all('latest-desc', 'a', 100);
    await all('latest-desc', 'b', 50);
    expect(await all('latest-desc', 'a', 40)).toEqual({
      cycle: 'all',
      score: 40,
      rank: 2,
      previousRank: 1,
      previousScore: 100,
      improved: false,
    });
    expect(await all('latest-desc', 'a', 40)).toEqual({
      cycle: 'all',
      score: 40,
      rank: 2,
      previousRank: 2,
      previousScore: 40,
      improved: false,
    });
    expect(await all('latest-desc', 'a', 60)).toEqual({
      cycle: 'all',
      score: 60,
      rank: 1,
      previousRank: 2,
      previousScore: 40,
      improved: true,
    });
    expect(await standings(t, 'latest-desc')).toEqual([
      ['a', 60, 1],
      ['b', 50, 2],
    ]);
  });

  it('replaces the time, better or worse, when the policy is latest on an asc board', async () => {
    await createBoard(t, 'latest-asc', { order: 'asc', update: 'latest' });
    await all('latest-asc', 'a', 60);
    await all('latest-asc', 'b', 55);
    expect(await all('latest-asc', 'a', 50)).toEqual({
      cycle: 'all',
      score: 50,
      rank: 1,
      previousRank: 2,
      previousScore: 60,
      improved: true,
    });
    expect(await all('latest-asc', 'a', 70)).toEqual({
      cycle: 'all',
      score: 70,
      rank: 2,
      previousRank: 1,
      previousScore: 50,
      improved: false,
    });
    expect(await standings(t, 'latest-asc')).toEqual([
      ['b', 55, 1],
      ['a', 70, 2],
    ]);
  });

  it('adds submissions up when the policy is sum on a desc board', async () => {
    await createBoard(t, 'sum-desc', { update: 'sum' });
    expect(await all('sum-desc', 'a', 10)).toMatchObject({ score: 10, rank: 1, improved: true });
    expect(await all('sum-desc', 'a', 15)).toEqual({
      cycle: 'all',
      score: 25,
      rank: 1,
      previousRank: 1,
      previousScore: 10,
      improved: true,
    });
    expect(await all('sum-desc', 'b', 22)).toMatchObject({ score: 22, rank: 2 });
    expect(await all('sum-desc', 'a', -5)).toEqual({
      cycle: 'all',
      score: 20,
      rank: 2,
      previousRank: 1,
      previousScore: 25,
      improved: false,
    });
    expect(await all('sum-desc', 'b', 0.1)).toMatchObject({ score: 22.1, rank: 1 });
    expect(await standings(t, 'sum-desc')).toEqual([
      ['b', 22.1, 1],
      ['a', 20, 2],
    ]);
  });

  it('adds times up when the policy is sum on an asc board, a larger total ranking lower', async () => {
    await createBoard(t, 'sum-asc', { order: 'asc', update: 'sum' });
    await all('sum-asc', 'a', 30);
    expect(await all('sum-asc', 'b', 20)).toMatchObject({ score: 20, rank: 1, improved: true });
    expect(await all('sum-asc', 'b', 15)).toEqual({
      cycle: 'all',
      score: 35,
      rank: 2,
      previousRank: 1,
      previousScore: 20,
      improved: false,
    });
    expect(await all('sum-asc', 'a', -1.5)).toEqual({
      cycle: 'all',
      score: 28.5,
      rank: 1,
      previousRank: 1,
      previousScore: 30,
      improved: true,
    });
    expect(await standings(t, 'sum-asc')).toEqual([
      ['a', 28.5, 1],
      ['b', 35, 2],
    ]);
  });

  it('stores metadata with a kept best score and ignores it with a score that is not kept', async () => {
    await createBoard(t, 'meta-best', { update: 'best' });
    await all('meta-best', 'a', 100, { metadata: { car: 'red', lap: 3 } });
    await all('meta-best', 'b', 50);
    const first = await top(t, 'meta-best');
    expect(first.entries).toEqual([
      { rank: 1, playerId: 'a', score: 100, metadata: { car: 'red', lap: 3 } },
      { rank: 2, playerId: 'b', score: 50 },
    ]);

    await all('meta-best', 'a', 90, { metadata: { car: 'blue', lap: 1 } });
    const kept = await t.http.get('/v1/boards/meta-best/players/a');
    expect(kept.body).toMatchObject({ rank: 1, score: 100, metadata: { car: 'red', lap: 3 } });

    await all('meta-best', 'a', 120, { metadata: { car: 'green', fast: true, note: null } });
    const replaced = await t.http.get('/v1/boards/meta-best/players/a');
    expect(replaced.body).toMatchObject({
      rank: 1,
      score: 120,
      metadata: { car: 'green', fast: true, note: null },
    });
    expect((await top(t, 'meta-best')).entries[0]).toEqual({
      rank: 1,
      playerId: 'a',
      score: 120,
      metadata: { car: 'green', fast: true, note: null },
    });
    expect((await t.http.get('/v1/boards/meta-best/players/b')).body.metadata).toBeUndefined();
  });

  it('replaces metadata with every submission when the policy is latest', async () => {
    await createBoard(t, 'meta-latest', { update: 'latest' });
    await all('meta-latest', 'a', 100, { metadata: { run: 'one' } });
    await all('meta-latest', 'a', 80, { metadata: { run: 'two' } });
    expect((await top(t, 'meta-latest')).entries).toEqual([
      { rank: 1, playerId: 'a', score: 80, metadata: { run: 'two' } },
    ]);
    const around = await t.http.get('/v1/boards/meta-latest/players/a/around?radius=1');
    expect(around.body.entries).toEqual([
      { rank: 1, playerId: 'a', score: 80, metadata: { run: 'two' } },
    ]);
  });

  it('rejects metadata that is not a flat object of scalars or is over 1 KiB', async () => {
    await createBoard(t, 'meta-bad', {});
    const nested = await t.http.post('/v1/boards/meta-bad/scores', {
      playerId: 'a',
      score: 1,
      metadata: { deep: { x: 1 } },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'metadata.deep' }],
    });
    const big = await t.http.post('/v1/boards/meta-bad/scores', {
      playerId: 'a',
      score: 1,
      metadata: { text: 'x'.repeat(1100) },
    });
    expect(big.status).toBe(400);
    expect(big.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'metadata' }],
    });
    expect((await top(t, 'meta-bad')).total).toBe(0);
  });
});
