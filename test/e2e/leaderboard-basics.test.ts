import { startApp, TestApp } from '../support/app';

describe('leaderboards over REST', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'basics' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ranks the seed example: player3, player1, player2, player4', async () => {
    expect((await t.http.put('/v1/boards/seed', { title: 'Seed' })).status).toBe(201);
    const scores = { player1: 1500, player2: 1350, player3: 1750, player4: 1200 };
    for (const [playerId, score] of Object.entries(scores)) {
      const res = await t.http.post('/v1/boards/seed/scores', { playerId, score });
      expect(res.status).toBe(200);
    }
    const top = await t.http.get('/v1/boards/seed/top?limit=10');
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({
      boardId: 'seed',
      period: 'all',
      cycle: 'all',
      total: 4,
      nextCursor: null,
    });
    expect(top.body.entries).toEqual([
      { rank: 1, playerId: 'player3', score: 1750 },
      { rank: 2, playerId: 'player1', score: 1500 },
      { rank: 3, playerId: 'player2', score: 1350 },
      { rank: 4, playerId: 'player4', score: 1200 },
    ]);
    const p1 = await t.http.get('/v1/boards/seed/players/player1');
    expect(p1.body).toMatchObject({ rank: 2, score: 1500, total: 4, percentile: 75 });
  });

  it('reports previous and new rank per period when a score improves', async () => {
    await t.http.put('/v1/boards/improve', {});
    await t.http.post('/v1/boards/improve/scores', { playerId: 'a', score: 10 });
    await t.http.post('/v1/boards/improve/scores', { playerId: 'b', score: 20 });
    const res = await t.http.post('/v1/boards/improve/scores', { playerId: 'a', score: 30 });
    expect(res.body).toEqual({
      playerId: 'a',
      replayed: false,
      periods: {
        all: {
          cycle: 'all',
          score: 30,
          rank: 1,
          previousRank: 2,
          previousScore: 10,
          improved: true,
        },
      },
    });
  });
});
