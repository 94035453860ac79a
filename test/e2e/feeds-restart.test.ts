import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone, deleteByPrefix } from '../support/test-redis';
import { eventually, post, seedFollowers } from './feeds-support';

const FOLLOWERS = 3000;
const env = { FEED_FANOUT_BATCH: '3', FEED_FANOUT_CLAIM_IDLE_MS: '100' };

describe('fan-out across a restart', () => {
  let redis: Redis;
  let first: TestApp;
  let second: TestApp | null = null;

  beforeAll(async () => {
    redis = connectStandalone();
    first = await startApp({ name: 'feeds_restart', env });
  });
  afterAll(async () => {
    await second?.app.close();
    await deleteByPrefix(redis, first.prefix);
    await redis.quit();
  });

  it('resumes a job left pending by a closed instance and reaches every follower', async () => {
    const keys = new Keys(first.prefix);
    const followers = Array.from({ length: FOLLOWERS }, (_, i) => `r${i}`);
    await seedFollowers(redis, keys, 'host', followers);

    const a = await post(first, 'host', { verb: 'announced' });
    await eventually(async () => (await redis.hlen(keys.fanoutProgress())) > 0, 4000);
    await first.app.close();

    const pending = (await redis.xpending(keys.fanoutJobs(), 'fanout')) as [number, ...unknown[]];
    expect(pending[0]).toBe(1);
    const member = `${a.id}:host`;
    const reached = async (): Promise<number> => {
      const p = redis.pipeline();
      for (const f of followers) p.zscore(keys.homeFeed(f), member);
      return ((await p.exec()) ?? []).filter(([, v]) => v !== null).length;
    };
    const before = await reached();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(FOLLOWERS);

    second = await startApp({ name: 'feeds_restart', prefix: first.prefix, env });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0, 4000);
    expect(await reached()).toBe(FOLLOWERS);
    expect(await redis.hlen(keys.fanoutProgress())).toBe(0);
    const feed = await second.http.get('/v1/players/r2999/feed');
    expect(feed.body.activities).toEqual([a]);
  });
});
