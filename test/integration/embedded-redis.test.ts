import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureRedis, EnsuredRedis } from '../../src/redis/embedded-redis';
import { startPrivateRedis } from '../support/redis-harness';

/** A port nobody listens on (bound, read, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function roundTrip(url: string): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.set('embedded:check', 'ok');
    return await client.get('embedded:check');
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}

describe('ensureRedis', () => {
  let dataDir: string;
  let started: EnsuredRedis | undefined;
  let silent: Server | undefined;
  const peers = new Set<Socket>();
  const logs: string[] = [];
  const log = (msg: string): number => logs.push(msg);

  beforeEach(() => {
    const root = process.env.TEST_REDIS_TMPDIR;
    dataDir = mkdtempSync(join(root && existsSync(root) ? root : tmpdir(), 'embedded-'));
    logs.length = 0;
  });

  afterEach(async () => {
    await started?.stop();
    started = undefined;
    const server = silent;
    silent = undefined;
    peers.forEach((socket) => socket.destroy());
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a private redis-server on the port of REDIS_URL when nothing answers there', async () => {
    const port = await freePort();
    started = await ensureRedis({
      redisUrl: `redis://127.0.0.1:${port}`,
      mode: 'auto',
      dataDir,
      log,
    });

    expect(started.url).toBe(`redis://127.0.0.1:${port}`);
    expect(await roundTrip(started.url)).toBe('ok');
    expect(logs).toEqual([
      `started a private redis-server at redis://127.0.0.1:${port} (data in ${dataDir})`,
    ]);
    expect(readdirSync(join(dataDir, 'appendonlydir'))).toContain('appendonly.aof.manifest');
    expect(existsSync(join(dataDir, 'redis.log'))).toBe(true);

    await started.stop();
    await expect(roundTrip(started.url)).rejects.toThrow();
  });

  it('keeps the data in the data dir across a stop and a new start', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    started = await ensureRedis({ redisUrl, mode: 'auto', dataDir, log });
    await roundTrip(started.url);
    await started.stop();

    started = await ensureRedis({ redisUrl, mode: 'auto', dataDir, log });
    const client = new Redis(started.url);
    try {
      expect(await client.get('embedded:check')).toBe('ok');
    } finally {
      client.disconnect();
    }
  });

  it('uses another free port when something that is not Redis holds the port', async () => {
    silent = createServer((socket) => peers.add(socket));
    await new Promise<void>((done) => silent?.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as AddressInfo;

    started = await ensureRedis({
      redisUrl: `redis://127.0.0.1:${port}/2`,
      mode: 'auto',
      dataDir,
      log,
    });

    expect(started.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\/2$/);
    expect(started.url).not.toContain(`:${port}/`);
    expect(await roundTrip(started.url)).toBe('ok');
  });

  it('returns a Redis that answers as is, without starting anything', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? '';
    const existing = await ensureRedis({ redisUrl, mode: 'auto', dataDir, log });

    expect(existing.url).toBe(redisUrl);
    expect(logs).toEqual([]);
    expect(readdirSync(dataDir)).toEqual([]);
    await existing.stop();
  });

  it('reports a Redis that refuses PING instead of starting another one', async () => {
    const locked = await startPrivateRedis({ extraArgs: ['--requirepass', 'pw-for-test'] });
    try {
      await expect(
        ensureRedis({ redisUrl: locked.url, mode: 'auto', dataDir, log }),
      ).rejects.toThrow(/refused PING: NOAUTH/);
      expect(logs).toEqual([]);
    } finally {
      await locked.stop();
    }
  });

  it('explains how to get a Redis when nothing answers and mode is never', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;

    const attempt = ensureRedis({ redisUrl, mode: 'never', dataDir, log });

    await expect(attempt).rejects.toThrow(`nothing answered at ${redisUrl}`);
    await expect(attempt).rejects.toThrow('RANKFEED_EMBEDDED_REDIS=never');
    await expect(attempt).rejects.toThrow('sudo apt-get install -y redis-server');
    await expect(attempt).rejects.toThrow('docker run -p 6379:6379 redis:7');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('says redis-server is not installed when it is not on PATH', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const redisUrl = `redis://127.0.0.1:${await freePort()}`;
      await expect(ensureRedis({ redisUrl, mode: 'auto', dataDir, log })).rejects.toThrow(
        /redis-server is not installed.*sudo apt-get install -y redis-server/s,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
