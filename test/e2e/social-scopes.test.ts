import { startApp, TestApp } from '../support/app';

describe('scopes of the social, posts and friends routes', () => {
  let t: TestApp;
  const reader = { 'x-api-key': 'reader-secret' };
  const writer = { 'x-api-key': 'writer-secret' };
  const admin = { 'x-api-key': 'boards-secret' };

  beforeAll(async () => {
    t = await startApp({
      name: 'social_scopes',
      env: {
        RANKFEED_API_KEYS: 'reader-secret=read,writer-secret=players.write,boards-secret=admin',
      },
    });
    await t.http.put('/v1/boards/open', { public: true }, admin);
    await t.http.post('/v1/boards/open/scores', { playerId: 'p1', score: 5 }, admin);
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs players.write to follow, unfollow and post', async () => {
    expect((await t.http.put('/v1/players/p1/following/p2', {}, reader)).status).toBe(403);
    expect((await t.http.delete('/v1/players/p1/following/p2', reader)).status).toBe(403);
    expect((await t.http.post('/v1/players/p1/posts', { text: 'hi' }, reader)).status).toBe(403);
    expect((await t.http.put('/v1/players/p1/following/p2', {}, writer)).status).toBe(204);
    expect((await t.http.post('/v1/players/p1/posts', { text: 'hi' }, writer)).status).toBe(201);
  });

  it('needs read to read the graph and posts, and refuses anonymous callers', async () => {
    expect((await t.http.get('/v1/players/p1/following', reader)).body.total).toBe(1);
    expect((await t.http.get('/v1/players/p1/posts', reader)).body.posts).toHaveLength(1);
    expect((await t.http.get('/v1/players/p1/following/p2', writer)).status).toBe(403);
    for (const path of ['following', 'followers', 'suggestions', 'mutual/p2', 'posts']) {
      expect((await t.http.get(`/v1/players/p1/${path}`)).status).toBe(401);
    }
  });

  it('refuses anonymous friends reads even on a public board, which shows whom one follows', async () => {
    expect((await t.http.get('/v1/boards/open/top')).status).toBe(200);
    const anonymous = await t.http.get('/v1/boards/open/players/p1/friends');
    expect(anonymous.status).toBe(401);
    const res = await t.http.get('/v1/boards/open/players/p1/friends', reader);
    expect(res.body.entries).toEqual([{ rank: 1, friendRank: 1, playerId: 'p1', score: 5 }]);
  });
});
