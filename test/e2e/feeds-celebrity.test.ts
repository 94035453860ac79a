import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck, waitFor } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';
import {
  ActivityBody,
  eventually,
  followAll,
  ids,
  newestFirst,
  post,
  readAll,
} from './feeds-support';

describe('authors above the fan-out threshold', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'feeds_celebrity', env: { FEED_FANOUT_THRESHOLD: '2' } });
    t.clock.set('2026-11-25T12:00:00.000Z');
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const at = (minute: number): string => new Date(Date.UTC(2026, 10, 25, 11, minute)).toISOString();
  const drained = () => eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);

  it('merges their stream into followers’ feeds at read time, in (time, id) order', async () => {
    await followAll(t, ['r1', 'r2', 'r3'], 'celeb');
    await followAll(t, ['r1'], 'norm');
    const made: ActivityBody[] = [];
    for (const [actor, minute] of [
      ['celeb', 1],
      ['norm', 2],
      ['celeb', 3],
      ['r1', 3],
      ['norm', 3],
      ['celeb', 5],
      ['norm', 6],
    ] as const) {
      made.push(await post(t, actor, { verb: 'v', time: at(minute) }));
    }
    await drained();
    expect(await redis.zrange(keys.feedCelebrities(), 0, -1)).toEqual(['celeb']);
    const stored = await redis.zrange(keys.homeFeed('r1'), 0, -1);
    expect(stored.some((m) => m.endsWith(':celeb'))).toBe(false);

    const expected = ids(newestFirst(made));
    for (const limit of [1, 2, 3, 100]) {
      expect(ids(await readAll(t, '/v1/players/r1/feed', limit))).toEqual(expected);
    }
    const onlyCeleb = ids(newestFirst(made.filter((a) => a.actor === 'celeb')));
    expect(ids(await readAll(t, '/v1/players/r2/feed', 2))).toEqual(onlyCeleb);
  });

  it('drops a deleted celebrity activity from merged feeds', async () => {
    const gone = await post(t, 'celeb', { verb: 'oops', time: at(7) });
    await drained();
    expect(ids(await readAll(t, '/v1/players/r3/feed'))[0]).toBe(gone.id);
    expect((await t.http.delete(`/v1/players/celeb/activities/${gone.id}`)).status).toBe(204);
    expect(ids(await readAll(t, '/v1/players/r3/feed'))).not.toContain(gone.id);
  });

  it('pushes their activities over /live to subscribed followers only', async () => {
    const [follower, stranger] = [await connectLive(t.baseUrl), await connectLive(t.baseUrl)];
    const got = { r2: [] as string[], x1: [] as string[] };
    follower.on('feed.activity', (m: { activity: ActivityBody }) => got.r2.push(m.activity.id));
    stranger.on('feed.activity', (m: { activity: ActivityBody }) => got.x1.push(m.activity.id));
    try {
      await emitAck(follower, 'feed.subscribe', { playerId: 'r2' });
      await emitAck(stranger, 'feed.subscribe', { playerId: 'x1' });
      await followAll(t, ['x1'], 'norm');
      const loud = await post(t, 'celeb', { verb: 'loud', time: at(8) });
      await waitFor('the celebrity push', () => got.r2.length === 1);
      // Had x1 been sent `loud`, it was written to x1's socket in the same emit as to r2's, before
      // `quiet` existed: x1 receiving only `quiet` proves it was not.
      const quiet = await post(t, 'norm', { verb: 'quiet', time: at(9) });
      await waitFor('the normal push', () => got.x1.length === 1);
      expect(got).toEqual({ r2: [loud.id], x1: [quiet.id] });
    } finally {
      follower.close();
      stranger.close();
    }
  });

  it('stops merging an author for a player who unfollows', async () => {
    await t.http.delete('/v1/players/r3/following/celeb');
    expect(await readAll(t, '/v1/players/r3/feed')).toEqual([]);
  });
});
