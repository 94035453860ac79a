import { SUGGEST_FOLLOWEES } from '../../src/social/social-discovery.service';
import { startApp, TestApp } from '../support/app';

describe('mutual followings and suggestions', () => {
  let t: TestApp;
  const follow = (a: string, b: string) => t.http.put(`/v1/players/${a}/following/${b}`);

  beforeAll(async () => {
    t = await startApp({ name: 'social_discovery' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the players both follow, in id order, from either side', async () => {
    for (const x of ['m1', 'm2', 'm3', 'only-a']) await follow('ma', x);
    for (const x of ['m3', 'm1', 'm2', 'only-b', 'also-b']) await follow('mb', x);
    const res = await t.http.get('/v1/players/ma/mutual/mb');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      players: [{ playerId: 'm1' }, { playerId: 'm2' }, { playerId: 'm3' }],
      nextCursor: null,
    });
    expect((await t.http.get('/v1/players/mb/mutual/ma')).body.players).toEqual(res.body.players);
  });

  it('pages mutual followings with a cursor bound to the pair', async () => {
    const first = await t.http.get('/v1/players/ma/mutual/mb?limit=2');
    expect(first.body.players).toEqual([{ playerId: 'm1' }, { playerId: 'm2' }]);
    const cursor = encodeURIComponent(first.body.nextCursor);
    const second = await t.http.get(`/v1/players/ma/mutual/mb?limit=2&cursor=${cursor}`);
    expect(second.body).toEqual({ players: [{ playerId: 'm3' }], nextCursor: null });
    const wrong = await t.http.get(`/v1/players/mb/mutual/ma?limit=2&cursor=${cursor}`);
    expect(wrong.body.error.code).toBe('INVALID_CURSOR');
  });

  it('answers no mutual followings when one side follows nobody', async () => {
    const res = await t.http.get('/v1/players/ma/mutual/loner');
    expect(res.body).toEqual({ players: [], nextCursor: null });
  });

  it('suggests players followed by followees, most overlap first, excluding followed and self', async () => {
    // me follows f1, f2, f3. x is followed by all three, y by two, z by one; w is already followed.
    for (const f of ['f1', 'f2', 'f3', 'w']) await follow('me', f);
    for (const x of ['x', 'y', 'z', 'w', 'me']) await follow('f1', x);
    for (const x of ['x', 'y', 'w']) await follow('f2', x);
    for (const x of ['x', 'w', 'a0']) await follow('f3', x);
    const res = await t.http.get('/v1/players/me/suggestions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      players: [
        { playerId: 'x', overlap: 3 },
        { playerId: 'y', overlap: 2 },
        { playerId: 'a0', overlap: 1 },
        { playerId: 'z', overlap: 1 },
      ],
    });
    const two = await t.http.get('/v1/players/me/suggestions?limit=2');
    expect(two.body.players).toEqual([
      { playerId: 'x', overlap: 3 },
      { playerId: 'y', overlap: 2 },
    ]);
  });

  it('drops a suggestion once it is followed', async () => {
    await follow('me', 'x');
    const res = await t.http.get('/v1/players/me/suggestions?limit=1');
    expect(res.body.players).toEqual([{ playerId: 'y', overlap: 2 }]);
  });

  it('suggests nothing to a player who follows nobody', async () => {
    expect((await t.http.get('/v1/players/newbie/suggestions')).body).toEqual({ players: [] });
  });

  it('samples at most the documented number of followees for a player who follows many', async () => {
    // big follows 150 players, each of whom follows `target`: the overlap counts a bounded sample.
    const followees = Array.from({ length: 150 }, (_, i) => `bf${i}`);
    await Promise.all(followees.map((f) => follow('big', f)));
    await Promise.all(followees.map((f) => follow(f, 'target')));
    const res = await t.http.get('/v1/players/big/suggestions');
    expect(res.body.players).toEqual([{ playerId: 'target', overlap: SUGGEST_FOLLOWEES }]);
  });

  it('validates limit', async () => {
    const res = await t.http.get('/v1/players/me/suggestions?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
