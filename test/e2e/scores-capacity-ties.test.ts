import { startApp, TestApp } from '../support/app';
import {
  createBoard,
  ranksFromEveryEndpoint,
  standings,
  submit,
  SubmitBody,
  top,
} from './scores-support';

/** API §1-§3: `capacity` keeps the best N; `ties` shared (1,1,3) or first (earlier arrival first). */
describe('capacity and ties', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-capacity-ties' });
  });
  afterAll(async () => {
    await t.close();
  });

  const batch = async (boardId: string, scores: number[]): Promise<SubmitBody[]> => {
    const entries = scores.map((score, i) => ({ playerId: `p${i + 1}`, score }));
    const res = await t.http.post(`/v1/boards/${boardId}/scores/batch`, { entries });
    expect(res.status).toBe(200);
    return res.body.results;
  };
  const rank = async (boardId: string, playerId: string, score: number) =>
    (await submit(t, boardId, { playerId, score })).periods.all;

  it('keeps exactly the best (lowest) N of a batch overflowing an asc board', async () => {
    await createBoard(t, 'cap-asc', { order: 'asc', capacity: 3 });
    const results = await batch('cap-asc', [50, 40, 70, 30, 60, 45]);
    expect(results.map((r) => [r.periods.all.score, r.periods.all.rank])).toEqual([
      [50, 1],
      [40, 1],
      [70, 3],
      [30, 1],
      [null, null],
      [45, 3],
    ]);
    expect(results[4].periods.all).toEqual({
      cycle: 'all',
      score: null,
      rank: null,
      previousRank: null,
      previousScore: null,
      improved: false,
    });
    const page = await top(t, 'cap-asc');
    expect(page.total).toBe(3);
    expect(page.entries).toEqual([
      { rank: 1, playerId: 'p4', score: 30 },
      { rank: 2, playerId: 'p2', score: 40 },
      { rank: 3, playerId: 'p6', score: 45 },
    ]);
    for (const gone of ['p1', 'p3', 'p5']) {
      const res = await t.http.get(`/v1/boards/cap-asc/players/${gone}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_RANKED');
    }
  });

  it('keeps exactly the best (highest) N of a batch overflowing a desc board', async () => {
    await createBoard(t, 'cap-desc', { capacity: 3 });
    await batch('cap-desc', [50, 40, 70, 30, 60, 45]);
    const page = await top(t, 'cap-desc');
    expect(page.total).toBe(3);
    expect(page.entries).toEqual([
      { rank: 1, playerId: 'p3', score: 70 },
      { rank: 2, playerId: 'p5', score: 60 },
      { rank: 3, playerId: 'p1', score: 50 },
    ]);
  });

  it('trims every entry beyond a lowered capacity on the next submission, metadata included', async () => {
    await createBoard(t, 'cap-lowered', { order: 'asc' });
    for (const [i, score] of [10, 20, 30, 40, 50, 60].entries()) {
      await submit(t, 'cap-lowered', { playerId: `p${i + 1}`, score, metadata: { old: true } });
    }
    expect((await t.http.put('/v1/boards/cap-lowered', { order: 'asc', capacity: 2 })).status).toBe(
      200,
    );
    expect(await rank('cap-lowered', 'p7', 15)).toMatchObject({ score: 15, rank: 2 });
    expect(await standings(t, 'cap-lowered')).toEqual([
      ['p1', 10, 1],
      ['p7', 15, 2],
    ]);
    await submit(t, 'cap-lowered', { playerId: 'p3', score: 5 });
    expect((await top(t, 'cap-lowered')).entries).toEqual([
      { rank: 1, playerId: 'p3', score: 5 },
      { rank: 2, playerId: 'p1', score: 10, metadata: { old: true } },
    ]);
  });

  it('drops the later arrival among equal scores at the capacity edge when ties are first', async () => {
    await createBoard(t, 'cap-first', { capacity: 2, ties: 'first' });
    await batch('cap-first', [10, 10, 10]);
    expect(await standings(t, 'cap-first')).toEqual([
      ['p1', 10, 1],
      ['p2', 10, 2],
    ]);
  });

  it('gives equal scores one shared rank (1,1,3) on a desc board, on every read endpoint', async () => {
    await createBoard(t, 'shared-desc', { ties: 'shared' });
    await rank('shared-desc', 'c', 90);
    await rank('shared-desc', 'a', 100);
    expect(await rank('shared-desc', 'b', 100)).toMatchObject({ rank: 1, score: 100 });
    const ranks = await ranksFromEveryEndpoint(t, 'shared-desc');
    expect(ranks.map(([, r]) => r)).toEqual([1, 1, 3]);
    expect(ranks[2]).toEqual(['c', 3]);
  });

  it('gives equal times one shared rank (1,1,3) on an asc board, on every read endpoint', async () => {
    await createBoard(t, 'shared-asc', { order: 'asc' });
    await rank('shared-asc', 'c', 60.5);
    await rank('shared-asc', 'a', 50.25);
    expect(await rank('shared-asc', 'b', 50.25)).toMatchObject({ rank: 1, score: 50.25 });
    const ranks = await ranksFromEveryEndpoint(t, 'shared-asc');
    expect(ranks.map(([, r]) => r)).toEqual([1, 1, 3]);
    expect(ranks[2]).toEqual(['c', 3]);
  });

  it('ranks the earlier arrival higher among equal scores when ties are first on a desc board', async () => {
    await createBoard(t, 'first-desc', { ties: 'first', update: 'best' });
    await rank('first-desc', 'a', 100);
    expect(await rank('first-desc', 'b', 100)).toMatchObject({ rank: 2, score: 100 });
    await rank('first-desc', 'c', 90);
    // c improves to a tie: a new arrival, so behind a and b.
    expect(await rank('first-desc', 'c', 100)).toEqual({
      cycle: 'all',
      score: 100,
      rank: 3,
      previousRank: 3,
      previousScore: 90,
      improved: true,
    });
    // An equal score under best is not kept: a keeps its arrival.
    expect(await rank('first-desc', 'a', 100)).toEqual({
      cycle: 'all',
      score: 100,
      rank: 1,
      previousRank: 1,
      previousScore: 100,
      improved: false,
    });
    expect(await ranksFromEveryEndpoint(t, 'first-desc')).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('keeps arrival order for an equal re-submission and not for a changed score under latest (asc)', async () => {
    await createBoard(t, 'first-asc', { order: 'asc', ties: 'first', update: 'latest' });
    for (const p of ['a', 'b', 'c']) await rank('first-asc', p, 50);
    expect(await rank('first-asc', 'b', 50)).toEqual({
      cycle: 'all',
      score: 50,
      rank: 2,
      previousRank: 2,
      previousScore: 50,
      improved: false,
    });
    expect(await ranksFromEveryEndpoint(t, 'first-asc')).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    await rank('first-asc', 'a', 55);
    expect(await rank('first-asc', 'a', 50)).toMatchObject({
      rank: 3,
      previousRank: 3,
      improved: true,
    });
    await rank('first-asc', 'd', 49);
    expect(await rank('first-asc', 'd', 50)).toEqual({
      cycle: 'all',
      score: 50,
      rank: 4,
      previousRank: 1,
      previousScore: 49,
      improved: false,
    });
    expect(await ranksFromEveryEndpoint(t, 'first-asc')).toEqual([
      ['b', 1],
      ['c', 2],
      ['a', 3],
      ['d', 4],
    ]);
    const around = await t.http.get('/v1/boards/first-asc/players/c/around?radius=1');
    expect(
      around.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['b', 1],
      ['c', 2],
      ['a', 3],
    ]);
  });
});
