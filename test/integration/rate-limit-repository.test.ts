/** The rate-limit scripts (take-token, slide-window) against real Redis, standalone and cluster. */
import type { RedisConfig } from '../../src/config/app-config';
import { RateLimitRepository } from '../../src/rate-limit/rate-limit.repository';
import { Keys } from '../../src/redis/keys';
import { connectRedis, RedisClient } from '../../src/redis/redis-connections';
import { Topology, TOPOLOGIES } from '../support/repository-fixture';
import { clusterNodes, deleteByPrefix, testPrefix } from '../support/test-redis';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe.each(TOPOLOGIES)('RateLimitRepository on %s Redis', (topology: Topology) => {
  let client: RedisClient;
  let keys: Keys;
  let repo: RateLimitRepository;
  const prefix = testPrefix(`rate_limit_${topology}`);

  beforeAll(async () => {
    const config: RedisConfig = {
      url: topology === 'standalone' ? (process.env.TEST_REDIS_URL as string) : '',
      clusterNodes: topology === 'cluster' ? clusterNodes() : null,
      commandTimeoutMs: 10_000,
      prefix,
      embedded: 'never',
      dataDir: '',
    };
    client = await connectRedis(config, 'command');
    keys = new Keys(prefix);
    repo = new RateLimitRepository(client, keys);
  });
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    await client.quit();
  });

  it('takes tokens up to the burst, then refills them at the rate on Redis time', async () => {
    const limit = { burst: 2, rate: 10 };
    const takes = [
      await repo.takeToken('k:a', 'scores.write', limit),
      await repo.takeToken('k:a', 'scores.write', limit),
      await repo.takeToken('k:a', 'scores.write', limit),
    ];
    expect(takes.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(takes[2].retryAfterMs).toBeGreaterThan(0);
    expect(takes[2].retryAfterMs).toBeLessThanOrEqual(100);
    expect(takes[2].resetMs).toBeLessThanOrEqual(200);
    // Another scope is another bucket.
    expect((await repo.takeToken('k:a', 'players.write', limit)).remaining).toBe(1);
    await sleep(takes[2].retryAfterMs + 20);
    expect((await repo.takeToken('k:a', 'scores.write', limit)).allowed).toBe(true);
  });

  it('lets an idle bucket expire once it would be full again', async () => {
    const d = await repo.takeToken('k:b', 'read', { burst: 100, rate: 1 });
    const ttl = await client.pttl(keys.rateBucket('k:b', 'read'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(d.resetMs);
    expect(d.resetMs).toBeLessThanOrEqual(1000);
  });

  it('admits exactly max of 100 concurrent hits on a window and records only those', async () => {
    const limit = { max: 50, windowMs: 60_000 };
    const hits = await Promise.all(
      Array.from({ length: 100 }, () => repo.hit('ip:10.0.0.1', 'reads', limit)),
    );
    expect(hits.filter((h) => h.allowed)).toHaveLength(50);
    expect(hits.map((h) => h.remaining).sort((a, b) => a - b)).toEqual([
      ...Array(51).fill(0),
      ...Array.from({ length: 49 }, (_, i) => i + 1),
    ]);
    const key = keys.rateWindow('ip:10.0.0.1', 'reads');
    expect(await client.zcard(key)).toBe(50);
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('frees a place in a window when its oldest hit ages out, and only that one', async () => {
    const limit = { max: 2, windowMs: 1000 };
    await repo.hit('ip:10.0.0.2', 'connects', limit);
    await sleep(500);
    await repo.hit('ip:10.0.0.2', 'connects', limit);
    const refused = await repo.hit('ip:10.0.0.2', 'connects', limit);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    await sleep(refused.retryAfterMs + 20);
    const admitted = await repo.hit('ip:10.0.0.2', 'connects', limit);
    expect([admitted.allowed, admitted.remaining]).toEqual([true, 0]);
  });
});
