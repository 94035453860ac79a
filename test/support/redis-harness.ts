/**
 * Real Redis for tests (DESIGN §6): REDIS_URL, else testcontainers when a Docker engine answers,
 * else a private `redis-server` from PATH on a free port; plus a local 3-master Redis Cluster.
 * Never flushes anything: servers started here live in throw-away tmp dirs.
 */
import { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, NetConnectOpts } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  findOnPath,
  freeClusterPort,
  freePort,
  launchRedis,
  lostPortRace,
  scratchDir,
  signalAndWait,
  sleep,
} from './redis-process';

export interface PrivateRedisOptions {
  port?: number;
  dir?: string;
  appendonly?: boolean;
  extraArgs?: string[];
}

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGTERM (Redis fsyncs the AOF), then wait for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for the process to exit. */
  kill(): Promise<void>;
  /** Start again on the same port and dir (stops the running process first). */
  restart(): Promise<void>;
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  source: 'env' | 'testcontainers' | 'redis-server';
}

export interface TestCluster {
  /** 'host:port' of every node given or started. */
  nodes: string[];
  stop(): Promise<void>;
  source: 'env' | 'redis-server';
}

export const NO_REDIS_HELP =
  'Tests need a real Redis. Set REDIS_URL (e.g. redis://127.0.0.1:6379, its keys are never ' +
  'flushed), or start a Docker engine (testcontainers), or install redis-server ' +
  '(`sudo apt-get install -y redis-server` on Debian/Ubuntu, `brew install redis` on macOS).';

const CLUSTER_TIMEOUT_MS = 20_000;

function launch(port: number, dir: string, opts: PrivateRedisOptions): Promise<ChildProcess> {
  const args = ['--save', '', '--appendonly', opts.appendonly ? 'yes' : 'no'];
  return launchRedis(port, dir, [...args, ...(opts.extraArgs ?? [])]);
}

/** Spawns `redis-server` from PATH on 127.0.0.1; retries on a port race when none was asked for. */
export async function startPrivateRedis(opts: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  if (!findOnPath('redis-server')) throw new Error(`redis-server is not on PATH. ${NO_REDIS_HELP}`);
  const dir = opts.dir ?? scratchDir('rankfeed-redis-');
  mkdirSync(dir, { recursive: true });
  let port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  for (let attempt = 1; !child; attempt += 1) {
    try {
      child = await launch(port, dir, opts);
    } catch (error) {
      if (opts.port !== undefined || attempt >= 3 || !lostPortRace(error)) throw error;
      port = await freePort();
    }
  }
  let current: ChildProcess = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => signalAndWait(current, 'SIGTERM'),
    kill: () => signalAndWait(current, 'SIGKILL'),
    restart: async () => {
      await signalAndWait(current, 'SIGTERM');
      current = await launch(port, dir, opts);
    },
  };
}

async function startClusterNode(dir: string): Promise<PrivateRedis> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freeClusterPort();
    const extraArgs = ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'];
    extraArgs.push('--cluster-config-file', join(dir, 'nodes.conf'));
    try {
      return await startPrivateRedis({ port, dir, extraArgs });
    } catch (error) {
      if (attempt >= 3 || !lostPortRace(error)) throw error;
    }
  }
}

async function clusterHealthy(client: Redis): Promise<boolean> {
  const info = await client.cluster('INFO');
  if (!info.includes('cluster_state:ok')) return false;
  const slots = await client.cluster('SLOTS');
  return slots.reduce((sum, [start, end]) => sum + end - start + 1, 0) === 16384;
}

async function formCluster(clients: Redis[], ports: number[]): Promise<void> {
  const ranges = [
    [0, 5460],
    [5461, 10922],
    [10923, 16383],
  ];
  await Promise.all(clients.map((c, i) => c.call('CLUSTER', 'ADDSLOTSRANGE', ...ranges[i])));
  // Every pair meets directly: faster than waiting for gossip to introduce nodes 1 and 2.
  const meets = clients.flatMap((c, i) => ports.slice(i + 1).map((p) => [c, p] as const));
  await Promise.all(meets.map(([client, port]) => client.cluster('MEET', '127.0.0.1', port)));
  const deadline = Date.now() + CLUSTER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const healthy = await Promise.all(clients.map(clusterHealthy));
    if (healthy.every(Boolean)) return;
    await sleep(100);
  }
  throw new Error(`local Redis Cluster (ports ${ports.join(', ')}) not ok after 20 s`);
}

/** A local 3-master Redis Cluster from the same binary, all 16384 slots covered on every node. */
export async function startCluster(): Promise<Pick<TestCluster, 'nodes' | 'stop'>> {
  const base = scratchDir('rankfeed-cluster-');
  const settled = await Promise.allSettled(
    [0, 1, 2].map((i) => startClusterNode(join(base, `node${i}`))),
  );
  const nodes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(base, { recursive: true, force: true });
  };
  const clients = nodes.map((n) => new Redis(n.port, '127.0.0.1', { maxRetriesPerRequest: 1 }));
  try {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    await formCluster(
      clients,
      nodes.map((n) => n.port),
    );
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clients.forEach((c) => c.disconnect());
  }
  return { nodes: nodes.map((n) => `127.0.0.1:${n.port}`), stop };
}

type DockerTarget = NetConnectOpts & { tls: boolean };

function dockerTargets(): DockerTarget[] {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return [{ path: host.slice('unix://'.length), tls: false }];
  if (host?.startsWith('tcp://')) {
    const url = new URL(host);
    const tls = Boolean(process.env.DOCKER_TLS_VERIFY);
    return [{ host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375)), tls }];
  }
  if (host) return [];
  const home = homedir();
  return [
    '/var/run/docker.sock',
    join(process.env.XDG_RUNTIME_DIR ?? '/nonexistent', 'docker.sock'),
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
  ]
    .filter((path) => existsSync(path))
    .map((path) => ({ path, tls: false }));
}

function probeDocker(target: DockerTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection(target);
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => {
      if (target.tls) finish(true);
      else socket.write('GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n');
    });
    socket.once('data', (chunk) => finish(/^HTTP\/1\.[01] 200/.test(chunk.toString())));
  });
}

/** Whether a Docker engine answers within ~1 s, so testcontainers never gets to hang. */
export async function dockerReachable(timeoutMs = 1000): Promise<boolean> {
  const results = await Promise.all(dockerTargets().map((t) => probeDocker(t, timeoutMs)));
  return results.some(Boolean);
}

async function startContainer(): Promise<TestRedis> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7').start();
  return {
    url: container.getConnectionUrl(),
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

export async function resolveTestRedis(): Promise<TestRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, source: 'env', stop: async () => undefined };
  const hasBinary = Boolean(findOnPath('redis-server'));
  if (await dockerReachable()) {
    try {
      return await startContainer();
    } catch (error) {
      if (!hasBinary) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`testcontainers failed (${reason}); falling back to redis-server`);
    }
  }
  if (!hasBinary) throw new Error(`No Redis for tests. ${NO_REDIS_HELP}`);
  const redis = await startPrivateRedis();
  return { url: redis.url, source: 'redis-server', stop: () => redis.stop() };
}

export async function resolveTestCluster(): Promise<TestCluster> {
  const fromEnv = process.env.REDIS_CLUSTER_NODES;
  if (fromEnv) {
    const nodes = fromEnv
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    return { nodes, source: 'env', stop: async () => undefined };
  }
  if (!findOnPath('redis-server')) {
    throw new Error(
      'No Redis Cluster for tests: set REDIS_CLUSTER_NODES=host:port,host:port,... or install ' +
        'redis-server (`sudo apt-get install -y redis-server`) so a local cluster can be started.',
    );
  }
  return { ...(await startCluster()), source: 'redis-server' };
}
