import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';
import { eventually, followAll, ids, post, readAll } from './feeds-support';

describe('erase-everywhere and feeds', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'feeds_erase' });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it("removes the player's activities from every feed, their streams and their own feed", async () => {
    const fans = Array.from({ length: 40 }, (_, i) => `fan${i}`);
    await followAll(t, fans, 'gone');
    await followAll(t, ['gone'], 'other');
    await t.http.put('/v1/boards/b1', { activities: ['personal_best'] });
    const kept = await post(t, 'other', { verb: 'stays' });
    await followAll(t, ['fan0'], 'other');
    const posted = [await post(t, 'gone', { verb: 'a' }), await post(t, 'gone', { verb: 'b' })];
    await t.http.post('/v1/boards/b1/scores', { playerId: 'gone', score: 5 });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    expect(await readAll(t, '/v1/players/fan3/feed')).toHaveLength(3);
    expect(await readAll(t, '/v1/boards/b1/activities')).toHaveLength(1);

    expect((await t.http.delete('/v1/players/gone')).status).toBe(204);

    const p = redis.pipeline();
    for (const f of fans) p.zrange(keys.homeFeed(f), 0, -1);
    const feeds = ((await p.exec()) ?? []).map(([, v]) => v as string[]);
    expect(feeds.flat().filter((m) => m.endsWith(':gone'))).toEqual([]);
    expect(ids(await readAll(t, '/v1/players/fan0/feed'))).toEqual([kept.id]);
    expect(await readAll(t, '/v1/boards/b1/activities')).toEqual([]);
    expect(await readAll(t, '/v1/players/gone/activities')).toEqual([]);
    expect(await readAll(t, '/v1/players/gone/feed')).toEqual([]);
    const left = await Promise.all(
      [keys.activities('gone'), keys.activityStream('gone'), keys.homeFeed('gone')].map((k) =>
        redis.exists(k),
      ),
    );
    expect(left).toEqual([0, 0, 0]);
    for (const a of posted) {
      expect((await t.http.delete(`/v1/players/gone/activities/${a.id}`)).status).toBe(404);
    }
  });
});
