import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';

describe('follow and unfollow over REST', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'social_follow' });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const sides = async (follower: string, target: string) => ({
    following: await redis.sismember(keys.following(follower), target),
    followers: await redis.sismember(keys.followers(target), follower),
  });

  it('writes both sides on follow and answers 204 again when repeated', async () => {
    expect((await t.http.put('/v1/players/ann/following/bob')).status).toBe(204);
    expect((await t.http.put('/v1/players/ann/following/bob')).status).toBe(204);
    expect(await sides('ann', 'bob')).toEqual({ following: 1, followers: 1 });
    expect(await redis.scard(keys.following('ann'))).toBe(1);
    expect(await redis.scard(keys.followers('bob'))).toBe(1);
    const rel = await t.http.get('/v1/players/ann/following/bob');
    expect(rel.body).toEqual({ following: true, followedBy: false });
    const back = await t.http.get('/v1/players/bob/following/ann');
    expect(back.body).toEqual({ following: false, followedBy: true });
  });

  it('removes both sides on unfollow and answers 204 again when repeated', async () => {
    await t.http.put('/v1/players/cat/following/dan');
    await t.http.put('/v1/players/dan/following/cat');
    expect((await t.http.delete('/v1/players/cat/following/dan')).status).toBe(204);
    expect((await t.http.delete('/v1/players/cat/following/dan')).status).toBe(204);
    expect(await sides('cat', 'dan')).toEqual({ following: 0, followers: 0 });
    expect(await sides('dan', 'cat')).toEqual({ following: 1, followers: 1 });
    expect((await t.http.get('/v1/players/cat/following/dan')).body).toEqual({
      following: false,
      followedBy: true,
    });
  });

  it('refuses to follow or unfollow oneself with 400 and writes nothing', async () => {
    const res = await t.http.put('/v1/players/eve/following/eve');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.http.delete('/v1/players/eve/following/eve')).status).toBe(400);
    expect(await redis.exists(keys.following('eve'), keys.followers('eve'))).toBe(0);
  });

  it('rejects ids outside the id pattern with 400', async () => {
    const res = await t.http.put('/v1/players/ann/following/b%7Bad%7D');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await redis.exists(keys.following('ann'))).toBe(1);
    expect(await redis.scard(keys.following('ann'))).toBe(1);
  });

  it('counts a half-done follow from the follower side and repairs it on retry', async () => {
    // The follow's first write landed, the second (followee side) did not.
    await redis.sadd(keys.following('fay'), 'gus');
    expect((await t.http.get('/v1/players/fay/following/gus')).body).toEqual({
      following: true,
      followedBy: false,
    });
    const following = await t.http.get('/v1/players/fay/following');
    expect(following.body).toEqual({ total: 1, players: [{ playerId: 'gus' }], nextCursor: null });
    const followers = await t.http.get('/v1/players/gus/followers');
    expect(followers.body).toEqual({ total: 0, players: [], nextCursor: null });

    expect((await t.http.put('/v1/players/fay/following/gus')).status).toBe(204);
    expect(await sides('fay', 'gus')).toEqual({ following: 1, followers: 1 });
    expect((await t.http.get('/v1/players/gus/followers')).body).toEqual({
      total: 1,
      players: [{ playerId: 'fay' }],
      nextCursor: null,
    });
  });

  it('finishes a half-done unfollow on retry', async () => {
    await t.http.put('/v1/players/hal/following/ivy');
    // The unfollow removed the followee side first, then failed.
    await redis.srem(keys.followers('ivy'), 'hal');
    expect((await t.http.get('/v1/players/hal/following/ivy')).body.following).toBe(true);
    expect((await t.http.delete('/v1/players/hal/following/ivy')).status).toBe(204);
    expect(await sides('hal', 'ivy')).toEqual({ following: 0, followers: 0 });
  });

  it('joins profiles into following and followers lists', async () => {
    await t.http.put('/v1/players/jon', { displayName: 'Jon', country: 'DE' });
    await t.http.put('/v1/players/kim/following/jon');
    const res = await t.http.get('/v1/players/kim/following');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.players).toEqual([
      {
        playerId: 'jon',
        profile: { displayName: 'Jon', country: 'DE', updatedAt: expect.any(String) },
      },
    ]);
  });

  it('refuses a follow beyond FOLLOWING_MAX with 409 and keeps the set at the cap', async () => {
    const capped = await startApp({ name: 'social_follow_cap', env: { FOLLOWING_MAX: '3' } });
    try {
      for (const id of ['a1', 'a2', 'a3']) {
        expect((await capped.http.put(`/v1/players/lim/following/${id}`)).status).toBe(204);
      }
      const res = await capped.http.put('/v1/players/lim/following/a4');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect((await capped.http.put('/v1/players/lim/following/a2')).status).toBe(204);
      expect((await capped.http.get('/v1/players/lim/following')).body.total).toBe(3);
      expect((await capped.http.get('/v1/players/a4/followers')).body.total).toBe(0);
    } finally {
      await capped.close();
    }
  });
});
