import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { startApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const PRODUCTION = {
  NODE_ENV: 'production',
  RANKFEED_API_KEYS: 'guard-secret-1=admin',
  RANKFEED_CURSOR_SECRET: 'guard-cursor-secret-1',
};

/** The Redis configuration guard at start: evicting policies warn, and refuse in production. */
describe('the Redis configuration guard', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: true });
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await admin.quit();
    await redis.stop();
  });
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => {
    warn.mockRestore();
  });

  const warnings = (): string[] => warn.mock.calls.map((c) => String(c[0]));
  const evictionWarnings = (): string[] => warnings().filter((w) => w.includes('maxmemory-policy'));

  it('starts without an eviction warning under noeviction, even in production', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const t = await startApp({
      name: 'ops_guard_ok',
      env: { REDIS_URL: redis.url, ...PRODUCTION },
    });
    expect((await t.http.get('/health/ready')).status).toBe(200);
    await t.close();
    expect(evictionWarnings()).toEqual([]);
  });

  it('warns loudly when Redis may evict keys, and still starts outside production', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const t = await startApp({ name: 'ops_guard_dev', env: { REDIS_URL: redis.url } });
    expect((await t.http.get('/health/ready')).status).toBe(200);
    await t.close();
    expect(evictionWarnings()).toEqual([
      'REDIS MAY EVICT KEYS: maxmemory-policy is allkeys-lru. At maxmemory Redis will silently drop scores, idempotency records and boards. Set maxmemory-policy noeviction.',
    ]);
  });

  it('refuses to start in production under an evicting policy', async () => {
    await admin.config('SET', 'maxmemory-policy', 'volatile-ttl');
    const clientsBefore = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]);
    await expect(
      startApp({ name: 'ops_guard_prod', env: { REDIS_URL: redis.url, ...PRODUCTION } }),
    ).rejects.toThrow(
      'Redis maxmemory-policy is volatile-ttl and NODE_ENV=production: refusing to start. Set maxmemory-policy noeviction, or RANKFEED_ALLOW_EVICTION=true to accept losing data.',
    );
    // The refused start released its Redis connections.
    await expect(
      waitFor(
        async () =>
          Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]) ===
          clientsBefore,
      ),
    ).resolves.toBe(true);
  });

  it('starts in production under an evicting policy when RANKFEED_ALLOW_EVICTION=true, still warning', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    const env = { REDIS_URL: redis.url, ...PRODUCTION, RANKFEED_ALLOW_EVICTION: 'true' };
    const t = await startApp({ name: 'ops_guard_allowed', env });
    expect((await t.http.get('/health/ready')).status).toBe(200);
    await t.close();
    expect(evictionWarnings()).toHaveLength(1);
  });

  it('warns when AOF is off', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'appendonly', 'no');
    const t = await startApp({ name: 'ops_guard_aof', env: { REDIS_URL: redis.url } });
    await t.close();
    await admin.config('SET', 'appendonly', 'yes');
    expect(warnings().filter((w) => w.startsWith('appendonly'))).toEqual([
      'appendonly is no: a Redis restart loses every write since the last RDB snapshot (use appendonly yes, appendfsync everysec)',
    ]);
  });
});

describe('the Redis configuration guard when CONFIG is disabled', () => {
  it('starts with a warning that it could not check, even in production', async () => {
    const redis = await startPrivateRedis({ extraArgs: ['--rename-command', 'CONFIG', ''] });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const t = await startApp({
        name: 'ops_guard_noconfig',
        env: { REDIS_URL: redis.url, ...PRODUCTION },
      });
      expect((await t.http.get('/health/ready')).status).toBe(200);
      await t.close();
      expect(
        warn.mock.calls.map((c) => String(c[0])).filter((w) => w.startsWith('Could not read')),
      ).toHaveLength(1);
    } finally {
      warn.mockRestore();
      await redis.stop();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}
