import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { parseInfo } from '../../src/ops/health/redis-info';
import { startApp, TestApp } from '../support/app';
import { scrapedValue } from '../support/prometheus-text';
import { startCluster, TestCluster } from '../support/redis-harness';
import { eventually } from './feeds-support';

const PRODUCTION = {
  NODE_ENV: 'production',
  RANKFEED_API_KEYS: 'cluster-guard-secret-1=admin',
  RANKFEED_CURSOR_SECRET: 'cluster-guard-cursor-secret-1',
};
const MiB = 1024 * 1024;

/**
 * /health/redis, the INFO gauges and the Redis configuration guard on a 3-master Redis Cluster of
 * this file's own (CONFIG SET here must not reach other test files, which share the harness's).
 */
describe('operations on Redis Cluster', () => {
  let cluster: Pick<TestCluster, 'nodes' | 'stop'>;
  let masters: Redis[];

  const info = async (): Promise<Array<Map<string, string>>> =>
    Promise.all(masters.map(async (node) => parseInfo(await node.info())));
  const field = (nodes: Array<Map<string, string>>, name: string): number[] =>
    nodes.map((fields) => Number(fields.get(name)));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const setPolicies = (policies: string[]): Promise<unknown> =>
    Promise.all(masters.map((node, i) => node.config('SET', 'maxmemory-policy', policies[i])));
  const boot = (name: string, env: Record<string, string> = {}): Promise<TestApp> =>
    startApp({ name, env: { REDIS_CLUSTER_NODES: cluster.nodes.join(','), ...env } });

  beforeAll(async () => {
    cluster = await startCluster();
    masters = cluster.nodes.map((node) => {
      const [host, port] = node.split(':');
      return new Redis(Number(port), host);
    });
  });
  afterAll(async () => {
    await Promise.all(masters.map((node) => node.quit()));
    await cluster.stop();
  });

  describe('INFO figures', () => {
    let t: TestApp;

    beforeAll(async () => {
      await setPolicies(['noeviction', 'noeviction', 'noeviction']);
      t = await boot('ops_cluster_health', { REDIS_INFO_INTERVAL_MS: '100' });
    });
    afterAll(async () => {
      await t.close();
    });

    /** A key this master serves (a direct connection answers MOVED for the others'). */
    const ownKey = async (node: Redis, tag: string): Promise<string> => {
      for (let j = 0; ; j += 1) {
        try {
          await node.exists(`${tag}-${j}`);
          return `${tag}-${j}`;
        } catch (error) {
          if (!String(error).includes('MOVED')) throw error;
        }
      }
    };

    it('sums hits, misses, clients and memory of every master in /health/redis', async () => {
      // Lookups on every master: 300 misses and 100 hits each.
      await Promise.all(
        masters.map(async (node, i) => {
          const [missing, present] = [
            await ownKey(node, `miss${i}`),
            await ownKey(node, `hit${i}`),
          ];
          await node.set(present, 'x');
          const p = node.pipeline();
          for (let k = 0; k < 300; k += 1) p.get(missing);
          for (let k = 0; k < 100; k += 1) p.get(present);
          await p.exec();
        }),
      );
      const before = await info();
      const res = await t.http.get('/health/redis');
      const after = await info();
      expect(res.status).toBe(200);
      const { stats } = res.body;
      // Redis' counters only grow: the sum read between two reads of all masters lies between them.
      for (const [name, reported] of [
        ['keyspace_misses', stats.keyspaceMisses],
        ['keyspace_hits', stats.keyspaceHits],
      ] as const) {
        expect(reported).toBeGreaterThanOrEqual(sum(field(before, name)));
        expect(reported).toBeLessThanOrEqual(sum(field(after, name)));
        expect(reported).toBeGreaterThan(Math.max(...field(after, name)));
      }
      expect(stats.hitRate).toBe(
        Math.round((stats.keyspaceHits / (stats.keyspaceHits + stats.keyspaceMisses)) * 10000) /
          10000,
      );
      // Not counters: no bounds, but a sum over three masters exceeds any one of them.
      expect(stats.connectedClients).toBeGreaterThan(
        Math.max(...field(after, 'connected_clients')),
      );
      expect(stats.usedMemory).toBeGreaterThan(Math.max(...field(after, 'used_memory')));
    });

    it('sums maxmemory of every master into rankfeed_redis_maxmemory_bytes, 0 when one has none', async () => {
      await Promise.all(
        masters.map((node, i) => node.config('SET', 'maxmemory', String((i + 1) * 100 * MiB))),
      );
      try {
        // Sampled every 100 ms here (REDIS_INFO_INTERVAL_MS), never per scrape.
        await eventually(
          async () => (await scrapedValue(t.http, 'rankfeed_redis_maxmemory_bytes')) === 600 * MiB,
        );
        expect(await scrapedValue(t.http, 'rankfeed_redis_up')).toBe(1);
        // One master without a limit: the store as a whole has none (0), not 300 MiB.
        await masters[2].config('SET', 'maxmemory', '0');
        await eventually(
          async () => (await scrapedValue(t.http, 'rankfeed_redis_maxmemory_bytes')) === 0,
        );
      } finally {
        await Promise.all(masters.map((node) => node.config('SET', 'maxmemory', '0')));
      }
    });
  });

  describe('the configuration guard', () => {
    let warn: jest.SpyInstance;

    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn');
    });
    afterEach(async () => {
      warn.mockRestore();
      await setPolicies(['noeviction', 'noeviction', 'noeviction']);
    });

    const evictionWarnings = (): string[] =>
      warn.mock.calls.map((c) => String(c[0])).filter((w) => w.includes('maxmemory-policy'));

    it('warns when any one master may evict keys, and still starts outside production', async () => {
      for (const evicting of [0, 1, 2]) {
        warn.mockClear();
        await setPolicies(masters.map((_, i) => (i === evicting ? 'allkeys-lru' : 'noeviction')));
        const t = await boot(`ops_cl_guard_${evicting}`);
        expect((await t.http.get('/health/ready')).status).toBe(200);
        await t.close();
        expect(evictionWarnings()).toEqual([
          'REDIS MAY EVICT KEYS: maxmemory-policy is allkeys-lru. At maxmemory Redis will silently drop scores, idempotency records and boards. Set maxmemory-policy noeviction.',
        ]);
      }
    });

    it('refuses to start in production when one master may evict keys, and lets its connections go', async () => {
      await setPolicies(['noeviction', 'noeviction', 'volatile-lfu']);
      const clients = async (): Promise<number> => sum(field(await info(), 'connected_clients'));
      const clientsBefore = await clients();
      await expect(boot('ops_cl_guard_prod', PRODUCTION)).rejects.toThrow(
        'Redis maxmemory-policy is volatile-lfu and NODE_ENV=production: refusing to start. Set maxmemory-policy noeviction, or RANKFEED_ALLOW_EVICTION=true to accept losing data.',
      );
      await eventually(async () => (await clients()) === clientsBefore, 200);
    });

    it('starts in production when RANKFEED_ALLOW_EVICTION=true, still warning', async () => {
      await setPolicies(['volatile-ttl', 'noeviction', 'noeviction']);
      const t = await boot('ops_cl_guard_allow', {
        ...PRODUCTION,
        RANKFEED_ALLOW_EVICTION: 'true',
      });
      expect((await t.http.get('/health/ready')).status).toBe(200);
      await t.close();
      expect(evictionWarnings()).toHaveLength(1);
      expect(evictionWarnings()[0]).toContain('maxmemory-policy is volatile-ttl');
    });
  });
});
