import { startApp, TestApp } from '../support/app';

describe('friends leaderboard', () => {
  let t: TestApp;
  const follow = (a: string, b: string) => t.http.put(`/v1/players/${a}/following/${b}`);
  const score = (board: string, playerId: string, s: number) =>
    t.http.post(`/v1/boards/${board}/scores`, { playerId, score: s });

  beforeAll(async () => {
    t = await startApp({ name: 'friends_board' });
    await t.http.put('/v1/boards/arena', { update: 'latest' });
    // Global order: s1 900, s2 800, me 700, f1 600, s3 550, f2 500 (tie) f3 500, s4 400, f4 300.
    const scores: Record<string, number> = {
      s1: 900,
      s2: 800,
      me: 700,
      f1: 600,
      s3: 550,
      f2: 500,
      f3: 500,
      s4: 400,
      f4: 300,
    };
    for (const [p, s] of Object.entries(scores)) await score('arena', p, s);
    for (const f of ['f1', 'f2', 'f3', 'f4', 'unranked']) await follow('me', f);
    await follow('s1', 'me'); // a follower, not a followee: not in me's circle
    await t.http.put('/v1/players/f1', { displayName: 'Friend One' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ranks the player and their followees with global rank and shared friend rank', async () => {
    const res = await t.http.get('/v1/boards/arena/players/me/friends');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      boardId: 'arena',
      period: 'all',
      cycle: 'all',
      total: 5,
      entries: [
        { rank: 3, friendRank: 1, playerId: 'me', score: 700 },
        {
          rank: 4,
          friendRank: 2,
          playerId: 'f1',
          score: 600,
          profile: { displayName: 'Friend One', updatedAt: expect.any(String) },
        },
        { rank: 6, friendRank: 3, playerId: 'f2', score: 500 },
        { rank: 6, friendRank: 3, playerId: 'f3', score: 500 },
        { rank: 9, friendRank: 5, playerId: 'f4', score: 300 },
      ],
      nextCursor: null,
    });
  });

  it('pages by (score, id): a friend who moves above the cursor is not repeated, ranks recomputed', async () => {
    const first = await t.http.get('/v1/boards/arena/players/me/friends?limit=3');
    expect(first.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'me',
      'f1',
      'f2',
    ]);
    const cursor = encodeURIComponent(first.body.nextCursor);
    // f4 overtakes f1 between pages: f4 now ranks above the cursor and is not repeated below it.
    await score('arena', 'f4', 650);
    const second = await t.http.get(`/v1/boards/arena/players/me/friends?limit=3&cursor=${cursor}`);
    expect(second.body).toMatchObject({ total: 5, nextCursor: null });
    expect(second.body.entries).toEqual([{ rank: 7, friendRank: 4, playerId: 'f3', score: 500 }]);
    await score('arena', 'f4', 300);
  });

  it('leaves out followees without a score and answers an empty circle with total 0', async () => {
    const res = await t.http.get('/v1/boards/arena/players/loner/friends');
    expect(res.body).toEqual({
      boardId: 'arena',
      period: 'all',
      cycle: 'all',
      total: 0,
      entries: [],
      nextCursor: null,
    });
  });

  it('drops a player from the circle after an unfollow', async () => {
    await t.http.delete('/v1/players/me/following/f2');
    const res = await t.http.get('/v1/boards/arena/players/me/friends');
    expect(res.body.total).toBe(4);
    expect(
      res.body.entries.map((e: { playerId: string; rank: number; friendRank: number }) => [
        e.playerId,
        e.rank,
        e.friendRank,
      ]),
    ).toEqual([
      ['me', 3, 1],
      ['f1', 4, 2],
      ['f3', 6, 3],
      ['f4', 9, 4],
    ]);
    await follow('me', 'f2');
  });

  it('gives distinct friend ranks on a board where the first arrival wins ties', async () => {
    await t.http.put('/v1/boards/race', { ties: 'first', order: 'asc' });
    await score('race', 'f3', 50); // arrives first at 50
    await score('race', 'other', 40);
    await score('race', 'me', 50);
    await score('race', 'f1', 60);
    const res = await t.http.get('/v1/boards/race/players/me/friends?limit=2');
    expect(res.body.entries).toEqual([
      { rank: 2, friendRank: 1, playerId: 'f3', score: 50 },
      { rank: 3, friendRank: 2, playerId: 'me', score: 50 },
    ]);
    const cursor = encodeURIComponent(res.body.nextCursor);
    const next = await t.http.get(`/v1/boards/race/players/me/friends?limit=2&cursor=${cursor}`);
    expect(next.body.entries).toEqual([
      { rank: 4, friendRank: 3, playerId: 'f1', score: 60, profile: expect.any(Object) },
    ]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('ranks a circle of 600 followees exactly, beyond one read-ranks call', async () => {
    await t.http.put('/v1/boards/big', {});
    const entries = Array.from({ length: 1000 }, (_, i) => ({ playerId: `g${i}`, score: i }));
    expect((await t.http.post('/v1/boards/big/scores/batch', { entries })).status).toBe(200);
    const followees = Array.from({ length: 600 }, (_, i) => `g${i}`);
    for (let i = 0; i < followees.length; i += 100) {
      await Promise.all(followees.slice(i, i + 100).map((f) => follow('crowd', f)));
    }
    const seen: { rank: number; friendRank: number; playerId: string }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await t.http.get(`/v1/boards/big/players/crowd/friends?limit=100${q}`);
      expect(res.body.total).toBe(600);
      seen.push(...res.body.entries);
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    // g599 (score 599) ranks 401st globally (scores 999..600 above it) and first among friends.
    expect(seen.length).toBe(600);
    seen.forEach((e, i) => {
      expect(e).toEqual({
        rank: 401 + i,
        friendRank: i + 1,
        playerId: `g${599 - i}`,
        score: 599 - i,
      });
    });
  });

  it('answers 404 for an unknown board and 400 for a cursor of another player', async () => {
    expect((await t.http.get('/v1/boards/nope/players/me/friends')).body.error.code).toBe(
      'BOARD_NOT_FOUND',
    );
    const first = await t.http.get('/v1/boards/arena/players/me/friends?limit=1');
    const cursor = encodeURIComponent(first.body.nextCursor);
    const res = await t.http.get(`/v1/boards/arena/players/f1/friends?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CURSOR');
  });
});
