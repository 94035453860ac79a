import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
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

  it('stops merging an author for a player who unfollows', async () => {
    await t.http.delete('/v1/players/r3/following/celeb');
    expect(await readAll(t, '/v1/players/r3/feed')).toEqual([]);
  });
});
