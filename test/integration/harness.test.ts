import { Cluster, Redis } from 'ioredis';
import { PrivateRedis, resolveTestRedis, startPrivateRedis } from '../support/redis-harness';
import {
  clusterNodes,
  connectCluster,
  connectStandalone,
  deleteByPrefix,
  testPrefix,
} from '../support/test-redis';

describe('test Redis harness', () => {
  const prefix = testPrefix('harness');
  const other = testPrefix('harness_other');
  let redis: Redis;
  let cluster: Cluster;

  beforeAll(() => {
    redis = connectStandalone();
    cluster = connectCluster();
  });

  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await deleteByPrefix(redis, other);
    await deleteByPrefix(cluster, prefix);
    await deleteByPrefix(cluster, other);
    await Promise.all([redis.quit(), cluster.quit()]);
  });

  it('gives prefixes made only of letters, digits and underscores, different every time', () => {
    expect(prefix).toMatch(/^t_harness_[A-Za-z0-9]{6}$/);
    expect(testPrefix('a-b c:{d}')).toMatch(/^t_a_b_c__d__[A-Za-z0-9]{6}$/);
    expect(testPrefix('same')).not.toBe(testPrefix('same'));
  });

  it('answers PING and round-trips a key under the file prefix', async () => {
    expect(await redis.ping()).toBe('PONG');
    await redis.set(`${prefix}:greeting`, 'hello', 'EX', 60);
    expect(await redis.get(`${prefix}:greeting`)).toBe('hello');
  });

  it('takes REDIS_URL as is when it is set', async () => {
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://127.0.0.1:1/7';
    try {
      const resolved = await resolveTestRedis();
      expect(resolved).toMatchObject({ source: 'env', url: 'redis://127.0.0.1:1/7' });
      await resolved.stop();
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it('runs a cluster whose masters cover all 16384 slots on every node', async () => {
    for (const { host, port } of clusterNodes()) {
      const node = new Redis(port, host);
      try {
        expect(await node.cluster('INFO')).toContain('cluster_state:ok');
        const slots = await node.cluster('SLOTS');
        expect(slots.length).toBeGreaterThanOrEqual(3);
        expect(slots.reduce((sum, [start, end]) => sum + end - start + 1, 0)).toBe(16384);
      } finally {
        node.disconnect();
      }
    }
  });

  it('writes keys with hash tags {b:x} and {b:y} to different cluster masters', async () => {
    const keyX = `${prefix}:{b:x}:k`;
    const keyY = `${prefix}:{b:y}:k`;
    await cluster.set(keyX, 'x', 'EX', 60);
    await cluster.set(keyY, 'y', 'EX', 60);
    expect(await cluster.mget(keyX)).toEqual(['x']);
    expect(await cluster.get(keyY)).toBe('y');
    const slots = await cluster.cluster('SLOTS');
    const owners = async (key: string): Promise<string[]> => {
      const slot = Number(await cluster.cluster('KEYSLOT', key));
      return slots.filter(([start, end]) => start <= slot && slot <= end).map((s) => s[2][2]);
    };
    const [ownerX, ownerY] = await Promise.all([owners(keyX), owners(keyY)]);
    expect(ownerX).toHaveLength(1);
    expect(ownerY).toHaveLength(1);
    expect(ownerX[0]).not.toBe(ownerY[0]);
  });

  it('deletes only keys under its own prefix, on standalone and on every cluster master', async () => {
    for (const client of [redis, cluster]) {
      const mine = Array.from({ length: 30 }, (_, i) => `${prefix}:{b:${i}}:del`);
      const theirs = Array.from({ length: 30 }, (_, i) => `${other}:{b:${i}}:del`);
      const lookalike = `${prefix}x:{b:1}:del`;
      for (const key of [...mine, ...theirs, lookalike]) await client.set(key, '1', 'EX', 60);

      await deleteByPrefix(client, prefix);

      const counts = async (keys: string[]): Promise<number> =>
        (await Promise.all(keys.map((k) => client.exists(k)))).reduce((a, b) => a + b, 0);
      expect(await counts(mine)).toBe(0);
      expect(await counts(theirs)).toBe(30);
      expect(await client.exists(lookalike)).toBe(1);
      await client.unlink(lookalike);
    }
  });
});

describe('startPrivateRedis', () => {
  let server: PrivateRedis | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const once = async <T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await use(client);
    } finally {
      // disconnect() on an ended client leaves a 2 s timer behind (ioredis AbstractConnector).
      if (client.status !== 'end') client.disconnect();
    }
  };

  it('keeps AOF data across stop() and restart() on the same port', async () => {
    server = await startPrivateRedis({ appendonly: true });
    const { url } = server;
    expect(url).toBe(`redis://127.0.0.1:${server.port}`);
    await once(url, (c) => c.set('kept', 'value'));

    await server.stop();
    await expect(once(url, (c) => c.ping())).rejects.toThrow();

    await server.restart();
    expect(await once(url, (c) => c.get('kept'))).toBe('value');
  });

  it('is gone after kill() and comes back with its fsynced data after restart()', async () => {
    server = await startPrivateRedis({ appendonly: true, extraArgs: ['--appendfsync', 'always'] });
    const { url } = server;
    await once(url, (c) => c.set('survivor', '1'));

    await server.kill();
    await expect(once(url, (c) => c.ping())).rejects.toThrow();

    await server.restart();
    expect(await once(url, (c) => c.get('survivor'))).toBe('1');
  });

  it("fails with redis-server's own output when it cannot start", async () => {
    await expect(startPrivateRedis({ extraArgs: ['--no-such-directive', 'x'] })).rejects.toThrow(
      /no-such-directive/,
    );
  });
});
