import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';
import { eventually, followAll, ids, newestFirst, post, readAll } from './feeds-support';

describe('home feed fan-out', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    // 5,000+ follows from one address in seconds: a fan-out test, not a rate-limit one.
    t = await startApp({
      name: 'feeds_fanout',
      env: { FEED_FANOUT_BATCH: '200', RATE_LIMIT_ENABLED: 'false' },
    });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const feedMembers = async (playerIds: string[]): Promise<string[][]> => {
    const pipeline = redis.pipeline();
    for (const p of playerIds) pipeline.zrevrange(keys.homeFeed(p), 0, -1);
    return ((await pipeline.exec()) ?? []).map(([, v]) => v as string[]);
  };

  it('fans one activity out to 5,000 followers, each feed holding exactly it', async () => {
    const followers = Array.from({ length: 5000 }, (_, i) => `f${i}`);
    await followAll(t, followers, 'star');
    const a = await post(t, 'star', { verb: 'posted' });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    const feeds = await feedMembers(followers);
    expect(feeds.filter((f) => f.length === 1 && f[0] === `${a.id}:star`)).toHaveLength(5000);
    const page = await t.http.get('/v1/players/f4321/feed');
    expect(page.body).toEqual({ activities: [a], nextCursor: null });
  });

  it('removes a deleted activity from every feed it reached and leaves a tombstone', async () => {
    const followers = Array.from({ length: 300 }, (_, i) => `d${i}`);
    await followAll(t, followers, 'deleter');
    const keep = await post(t, 'deleter', { verb: 'keep' });
    const drop = await post(t, 'deleter', { verb: 'drop' });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    expect((await t.http.delete(`/v1/players/deleter/activities/${drop.id}`)).status).toBe(204);
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    const feeds = await feedMembers(followers);
    expect(feeds.every((f) => f.length === 1 && f[0] === `${keep.id}:deleter`)).toBe(true);
    expect(await redis.zscore(keys.activityTombstones('deleter'), drop.id)).not.toBeNull();
    expect(ids(await readAll(t, '/v1/players/d7/feed'))).toEqual([keep.id]);
  });

  it('backfills recent items on follow and removes them all on unfollow', async () => {
    const earlier = new Date(t.clock.now().getTime() - 2000).toISOString();
    const a = await post(t, 'author', { verb: 'one', time: earlier });
    const b = await post(t, 'author', { verb: 'two' });
    const own = await post(t, 'reader', { verb: 'mine' });
    await followAll(t, ['reader'], 'author');
    expect(ids(await readAll(t, '/v1/players/reader/feed'))).toEqual(ids(newestFirst([a, b, own])));
    expect((await t.http.delete('/v1/players/reader/following/author')).status).toBe(204);
    expect(await redis.zrange(keys.homeFeed('reader'), 0, -1)).toEqual([`${own.id}:reader`]);
    expect(ids(await readAll(t, '/v1/players/reader/feed'))).toEqual([own.id]);
  });

  it('no longer fans out to a follower who unfollowed', async () => {
    await followAll(t, ['u1', 'u2'], 'speaker');
    await t.http.delete('/v1/players/u2/following/speaker');
    const a = await post(t, 'speaker', { verb: 'hello' });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    expect(await feedMembers(['u1', 'u2'])).toEqual([[`${a.id}:speaker`], []]);
  });
});
