import { Redis } from 'ioredis';
import { HealthRegistry } from '../../src/ops/health/health-registry';
import { RedisInfoSampler } from '../../src/ops/metrics/redis-info.sampler';
import { startApp, TestApp } from '../support/app';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import { waitUntilReady } from '../support/store-outage';

/** /health/* before, during and after a Redis outage (API §8), on a private redis-server. */
describe('health probes around a Redis outage', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startApp({
      name: 'ops_health',
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500' },
    });
    await t.http.put('/v1/boards/probe-board', {});
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  const scrapeValue = async (name: string): Promise<number> =>
    sampleValue(parsePrometheusText((await t.http.get('/metrics')).text), name);

  it('answers live, ready and redis with 200 while Redis is up', async () => {
    expect(await t.http.get('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await t.http.get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    const res = await t.http.get('/health/redis');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.stats).sort()).toEqual(
      [
        'connectedClients',
        'hitRate',
        'keyspaceHits',
        'keyspaceMisses',
        'usedMemory',
        'usedMemoryHuman',
      ].sort(),
    );
    const { stats } = res.body;
    expect(stats.connectedClients).toBeGreaterThanOrEqual(2); // command + subscriber connections
    expect(stats.usedMemory).toBeGreaterThan(0);
    expect(stats.usedMemoryHuman).toMatch(/^\d+(\.\d{2}[KMGT])?B?$/);
    const lookups = stats.keyspaceHits + stats.keyspaceMisses;
    expect(stats.hitRate).toBe(
      lookups === 0 ? 0 : Math.round((stats.keyspaceHits / lookups) * 10000) / 10000,
    );
    expect(res.text).not.toContain(t.prefix);
    expect(res.text).not.toContain('probe-board');
  });

  it('samples INFO on its interval, never per scrape', async () => {
    const admin = new Redis(redis.url);
    const infoCalls = async (): Promise<number> => {
      const stats = await admin.info('commandstats');
      return Number(/cmdstat_info:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const before = await infoCalls();
    for (let i = 0; i < 5; i += 1) expect((await t.http.get('/metrics')).status).toBe(200);
    // The only INFO since `before` is the one that read `before` itself.
    expect(await infoCalls()).toBe(before + 1);
    await admin.quit();
  });

  it('answers ready and redis with 503 and a reason while Redis is stopped; live stays 200', async () => {
    await redis.stop();
    expect(await t.http.get('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(ready.body).toEqual({ status: 'unavailable', reason: 'redis is not answering' });
    const info = await t.http.get('/health/redis');
    expect(info.status).toBe(503);
    expect(info.body).toEqual({ status: 'unavailable', reason: 'redis is not answering' });
    await t.app.get(RedisInfoSampler).sample();
    expect(await scrapeValue('rankfeed_redis_up')).toBe(0);
  });

  it('is ready again once Redis is back', async () => {
    await redis.restart();
    await waitUntilReady(t);
    expect((await t.http.get('/health/redis')).status).toBe(200);
    await t.app.get(RedisInfoSampler).sample();
    expect(await scrapeValue('rankfeed_redis_up')).toBe(1);
  });

  it('reports the first failing registered check, and recovers when it passes', async () => {
    const registry = t.app.get(HealthRegistry);
    let workerAlive = false;
    registry.addCheck('fanout', () => (workerAlive ? null : 'fan-out worker is not running'));
    expect((await t.http.get('/health/ready')).body).toEqual({
      status: 'unavailable',
      reason: 'fan-out worker is not running',
    });
    workerAlive = true;
    expect(await t.http.get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    registry.addCheck('broken', () => {
      throw new Error('boom with secret details');
    });
    const res = await t.http.get('/health/ready');
    expect(res.body).toEqual({ status: 'unavailable', reason: 'broken check failed' });
    registry.addCheck('broken', () => null);
  });
});
