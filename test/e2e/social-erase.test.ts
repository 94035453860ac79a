import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';

describe('erase-everywhere removes follows both ways and posts', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'social_erase' });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it('leaves no edge to or from the erased player and deletes their posts', async () => {
    // gone follows a1..a3; b1..b1200 follow gone; c1 and gone follow each other; others untouched.
    for (const a of ['a1', 'a2', 'a3', 'c1']) await t.http.put(`/v1/players/gone/following/${a}`);
    const fans = Array.from({ length: 1200 }, (_, i) => `b${i}`);
    for (let i = 0; i < fans.length; i += 100) {
      await Promise.all(
        fans.slice(i, i + 100).map((b) => t.http.put(`/v1/players/${b}/following/gone`)),
      );
    }
    await t.http.put('/v1/players/c1/following/gone');
    await t.http.put('/v1/players/b0/following/a1');
    await t.http.post('/v1/players/gone/posts', { text: 'bye' });
    await t.http.post('/v1/players/a1/posts', { text: 'stays' });
    await t.http.put('/v1/players/gone', { displayName: 'Gone' });

    expect((await t.http.delete('/v1/players/gone')).status).toBe(204);

    expect(await redis.exists(keys.following('gone'), keys.followers('gone'))).toBe(0);
    expect(await redis.exists(keys.posts('gone'), keys.postBodies('gone'))).toBe(0);
    for (const a of ['a1', 'a2', 'a3', 'c1']) {
      expect(await redis.sismember(keys.followers(a), 'gone')).toBe(0);
    }
    for (const b of [...fans, 'c1']) {
      expect(await redis.sismember(keys.following(b), 'gone')).toBe(0);
    }
    expect((await t.http.get('/v1/players/a1/followers')).body).toEqual({
      total: 1,
      players: [{ playerId: 'b0' }],
      nextCursor: null,
    });
    expect((await t.http.get('/v1/players/b0/following')).body.players).toEqual([
      { playerId: 'a1' },
    ]);
    expect((await t.http.get('/v1/players/gone/posts')).body.posts).toEqual([]);
    expect((await t.http.get('/v1/players/a1/posts')).body.posts).toHaveLength(1);
    expect((await t.http.get('/v1/players/c1/following/gone')).body).toEqual({
      following: false,
      followedBy: false,
    });
  });

  it('succeeds again on a retry of an erase that already finished', async () => {
    expect((await t.http.delete('/v1/players/gone')).status).toBe(204);
    expect(await redis.exists(keys.following('gone'), keys.followers('gone'))).toBe(0);
  });
});
