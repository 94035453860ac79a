/**
 * Connections to the Redis servers global-setup prepared, and per-file key hygiene (DESIGN §6):
 * every test file works under its own prefix and deletes only its own keys, never FLUSH*.
 */
import { randomInt } from 'node:crypto';
import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `t_<name>_<random6>`, only [A-Za-z0-9_]: unique per test file, safe as a key namespace. */
export function testPrefix(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  const suffix = Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `t_${safe}_${suffix}`;
}

function fromEnv(name: string, errorName: string): string {
  const value = process.env[name];
  if (value) return value;
  const reason = process.env[errorName];
  throw new Error(
    reason
      ? `No test Redis: ${reason}`
      : `${name} is not set: run tests through jest (test/support/global-setup.ts starts Redis).`,
  );
}

/** Standalone client for TEST_REDIS_URL; the caller quits it. */
export function connectStandalone(options: RedisOptions = {}): Redis {
  return new Redis(fromEnv('TEST_REDIS_URL', 'TEST_REDIS_ERROR'), options);
}

/** 'host:port' pairs of TEST_REDIS_CLUSTER_NODES. */
export function clusterNodes(): Array<{ host: string; port: number }> {
  return fromEnv('TEST_REDIS_CLUSTER_NODES', 'TEST_REDIS_CLUSTER_ERROR')
    .split(',')
    .map((node) => {
      const colon = node.lastIndexOf(':');
      return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
    });
}

/** Cluster client for TEST_REDIS_CLUSTER_NODES; the caller quits it. */
export function connectCluster(options: ClusterOptions = {}): Cluster {
  return new Cluster(clusterNodes(), options);
}

async function ready(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return;
  await new Promise<void>((done, fail) => {
    cluster.once('ready', () => done());
    cluster.once('end', () => fail(new Error('cluster connection ended before ready')));
  });
}

async function deleteOnNode(node: Redis, pattern: string, crossSlot: boolean): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    if (!crossSlot) {
      await node.unlink(...keys);
      continue;
    }
    // Keys of one cluster node may sit in different slots: one UNLINK each, pipelined.
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    await pipeline.exec();
  } while (cursor !== '0');
}

/** SCANs `<prefix>:*` (on every master of a cluster) and UNLINKs what matches. */
export async function deleteByPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  if (!prefix) throw new Error('deleteByPrefix needs a non-empty prefix');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  if (client instanceof Cluster) {
    await ready(client);
    await Promise.all(client.nodes('master').map((node) => deleteOnNode(node, pattern, true)));
  } else {
    await deleteOnNode(client, pattern, false);
  }
}
