/**
 * Rate limits while Redis is down: a write cannot be charged, so it is refused at once (503,
 * not applied); reads are charged to an in-process window with the same limits.
 */
import { expectApiError } from '../support/api-errors';
import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import { expectStoreUnavailable, timed, waitUntilReady } from '../support/store-outage';

describe('rate limits while Redis is stopped', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  const fallbacks = async (): Promise<number> => {
    const text = (await t.http.get('/metrics')).text;
    const line = /^rankfeed_rate_limit_fallback_total\{limiter="read"\} (\S+)$/m.exec(text);
    return Number(line?.[1] ?? 0);
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startApp({
      name: 'ratelimit_outage',
      env: {
        REDIS_URL: redis.url,
        REDIS_COMMAND_TIMEOUT_MS: '500',
        RATE_LIMIT_READ_MAX: '5',
        RATE_LIMIT_READ_WINDOW_MS: '600000',
      },
    });
    expect((await t.http.put('/v1/boards/down', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('refuses writes with 503 not_applied at once', async () => {
    await redis.stop();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        timed(t.http.post('/v1/boards/down/scores', { playerId: `w${i}`, score: 1 })),
      ),
    );
    for (const result of results) {
      expectStoreUnavailable(result, ['not_applied']);
      expect(result.res.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('still limits reads, in process, with the configured window', async () => {
    const before = await fallbacks();
    const reads = [];
    for (let i = 0; i < 6; i++) reads.push(await t.http.get('/v1/boards/down/top'));
    // The first five pass the limiter (and then find no Redis); the sixth is over the limit.
    expect(reads.map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 429]);
    expect(reads.map((r) => r.headers.get('ratelimit-remaining'))).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
    ]);
    expect(reads[0].headers.get('ratelimit-limit')).toBe('5');
    expectApiError(reads[5], 429, 'RATE_LIMITED');
    expect(Number(reads[5].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fallbacks()).toBe(before + 6);
  });

  it('goes back to the Redis limiters once Redis is back', async () => {
    await redis.restart();
    await waitUntilReady(t);
    // The restarted Redis kept nothing (no persistence): neither the board nor any window.
    const write = await t.http.put('/v1/boards/down', {});
    expect(write.status).toBe(201);
    expect(write.headers.get('ratelimit-limit')).toBe('1000');
    const read = await t.http.get('/v1/boards/down/top');
    expect(read.status).toBe(200);
    expect(read.headers.get('ratelimit-remaining')).toBe('4');
  });
});
