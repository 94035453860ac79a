import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';
import { eventually, followAll, ids, post, readAll } from './feeds-support';

const DAY_MS = 86_400_000;

/** Home feeds are capped by count (FEED_MAX_ITEMS) and by age (FEED_ACTIVITY_TTL_DAYS). */
describe('home feed caps', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({
      name: 'feeds_caps',
      env: { FEED_MAX_ITEMS: '5', FEED_ACTIVITY_TTL_DAYS: '1', FEED_BACKFILL_ITEMS: '10' },
    });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const fannedOut = () => eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);

  it('keeps the newest FEED_MAX_ITEMS entries in every feed a fan-out reaches', async () => {
    await followAll(t, ['cap-f1', 'cap-f2'], 'capper');
    const posted = [];
    for (let i = 0; i < 8; i++) {
      posted.push(await post(t, 'capper', { verb: `v${i}` }));
      t.clock.advance(1);
    }
    await fannedOut();
    const newest5 = ids(posted.slice(3).reverse());
    for (const f of ['cap-f1', 'cap-f2', 'capper']) {
      expect(await redis.zcard(keys.homeFeed(f))).toBe(5);
      expect(ids(await readAll(t, `/v1/players/${f}/feed`))).toEqual(newest5);
    }
    // The key's lifetime follows the retention, refreshed by each push.
    const ttl = await redis.pttl(keys.homeFeed('cap-f1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(DAY_MS);
  });

  it('drops entries older than the retention when the next entry arrives', async () => {
    await followAll(t, ['age-f1'], 'ager');
    const old = await post(t, 'ager', { verb: 'old' });
    await fannedOut();
    expect(await redis.zrange(keys.homeFeed('age-f1'), 0, -1)).toEqual([`${old.id}:ager`]);

    t.clock.advance(DAY_MS + 1);
    const fresh = await post(t, 'ager', { verb: 'fresh' });
    await fannedOut();
    expect(await redis.zrange(keys.homeFeed('age-f1'), 0, -1)).toEqual([`${fresh.id}:ager`]);
    expect(ids(await readAll(t, '/v1/players/age-f1/feed'))).toEqual([fresh.id]);
  });

  it('caps a follow backfill the same way', async () => {
    const posted = [];
    for (let i = 0; i < 7; i++) {
      posted.push(await post(t, 'backfilled', { verb: `b${i}` }));
      t.clock.advance(1);
    }
    await followAll(t, ['late-f1'], 'backfilled');
    expect(await redis.zcard(keys.homeFeed('late-f1'))).toBe(5);
    expect(ids(await readAll(t, '/v1/players/late-f1/feed'))).toEqual(
      ids(posted.slice(2).reverse()),
    );
  });
});
