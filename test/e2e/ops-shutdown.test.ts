import { Redis } from 'ioredis';
import { gracefulShutdown } from '../../src/ops/graceful-shutdown';
import { HealthRegistry } from '../../src/ops/health/health-registry';
import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * The SIGTERM path (main.ts calls gracefulShutdown): not-ready first, shutdown hooks, then the
 * server drains in-flight requests and Redis closes last. A request is held in flight by pausing
 * Redis (CLIENT PAUSE) while the app has a generous command timeout.
 */
describe('graceful shutdown', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
    t = await startApp({
      name: 'ops_shutdown',
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '10000' },
    });
    expect((await t.http.put('/v1/boards/drain', {})).status).toBe(201);
    expect(
      (await t.http.post('/v1/boards/drain/scores', { playerId: 'p1', score: 42 })).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await admin.quit();
    await redis.stop();
  });

  it('turns not-ready, finishes the in-flight request, then closes Redis', async () => {
    const events: string[] = [];
    t.app.get(HealthRegistry).onShutdown('live', () => {
      events.push('shutdown hook');
    });
    const appClients = async (): Promise<string[]> =>
      ((await admin.call('CLIENT', 'LIST')) as string)
        .split('\n')
        .map((line) => /name=(\S*)/.exec(line)?.[1] ?? '')
        .filter((name) => name.startsWith('rankfeed:'))
        .sort();
    expect(await appClients()).toEqual(['rankfeed:command', 'rankfeed:subscriber']);

    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const inflight = t.http.get('/v1/boards/drain/top').then((res) => {
      events.push('in-flight answered');
      return res;
    });
    await sleep(200); // the request is now waiting on the paused Redis
    const shutdown = gracefulShutdown(t.app, { delayMs: 300 }).then(() => events.push('closed'));

    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', reason: 'shutting down' });

    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.body.entries).toEqual([{ rank: 1, playerId: 'p1', score: 42 }]);
    await shutdown;
    expect(events).toEqual(['shutdown hook', 'in-flight answered', 'closed']);
    await expect(fetch(`${t.baseUrl}/health/live`)).rejects.toThrow();
    expect(await appClients()).toEqual([]);
  });
});
