/**
 * Starts one standalone Redis and one Redis Cluster per jest run and hands them to the workers
 * through env vars. A missing Redis does not abort the run (unit tests need none): the reason is
 * passed on and `connectStandalone()` / `connectCluster()` throw it in the tests that need Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTestCluster, resolveTestRedis } from './redis-harness';

export const CLEANUP_KEY = '__rankfeedTestRedisCleanup';

export type TestGlobals = typeof globalThis & { [CLEANUP_KEY]?: () => Promise<void> };

const reasonOf = (result: PromiseRejectedResult): string =>
  result.reason instanceof Error ? result.reason.message : String(result.reason);

export default async function globalSetup(): Promise<void> {
  const startedAt = Date.now();
  // Data dirs of every private redis-server of this run, in workers too; removed at teardown.
  const runDir = mkdtempSync(join(tmpdir(), 'rankfeed-test-'));
  process.env.TEST_REDIS_TMPDIR = runDir;
  const [redis, cluster] = await Promise.allSettled([resolveTestRedis(), resolveTestCluster()]);
  const stops: Array<() => Promise<void>> = [];
  (globalThis as TestGlobals)[CLEANUP_KEY] = async () => {
    await Promise.all(stops.map((stop) => stop()));
    rmSync(runDir, { recursive: true, force: true });
  };
  let redisLine: string;
  let clusterLine: string;
  if (redis.status === 'fulfilled') {
    process.env.TEST_REDIS_URL = redis.value.url;
    stops.push(() => redis.value.stop());
    redisLine = `${redis.value.source} ${redis.value.url.replace(/\/\/[^@/]*@/, '//***@')}`;
  } else {
    process.env.TEST_REDIS_ERROR = reasonOf(redis);
    redisLine = `unavailable (${reasonOf(redis)})`;
  }
  if (cluster.status === 'fulfilled') {
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.value.nodes.join(',');
    stops.push(() => cluster.value.stop());
    clusterLine = `${cluster.value.source} ${cluster.value.nodes.join(',')}`;
  } else {
    process.env.TEST_REDIS_CLUSTER_ERROR = reasonOf(cluster);
    clusterLine = `unavailable (${reasonOf(cluster)})`;
  }
  const ms = Date.now() - startedAt;
  console.log(`\n[test redis] standalone: ${redisLine}; cluster: ${clusterLine} (${ms} ms)`);
}
