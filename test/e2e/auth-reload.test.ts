/**
 * RANKFEED_API_KEYS_FILE is re-read on SIGHUP without a restart (API §6): a revoked key is refused
 * at once on REST and its open /live sockets are dropped, a new key works, and a reload that fails
 * or would leave no keys at all keeps the keys in force.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { ApiKeyStore } from '../../src/auth/api-key.store';
import { expectApiError } from '../support/api-errors';
import { startApp, TestApp } from '../support/app';
import { connectLive, waitFor } from '../support/live-client';
import { freePort, scratchDir } from '../support/redis-process';
import { connectStandalone, deleteByPrefix, testPrefix } from '../support/test-redis';

const OLD = 'old-reader-secret';
const NEW = 'new-reader-secret';
const ADMIN = 'reload-admin-secret';

describe('API key file reload on SIGHUP', () => {
  let t: TestApp;
  let file: string;
  const sockets: Socket[] = [];
  const status = async (key: string): Promise<number> =>
    (await t.http.get('/v1/boards', { 'x-api-key': key })).status;

  /** What main.ts does on SIGHUP (a real signal is sent to a real process in the last test). */
  const hangup = (): boolean => t.app.get(ApiKeyStore).reload();

  beforeAll(async () => {
    file = join(scratchDir('rankfeed-keys'), 'keys');
    writeFileSync(file, `# keys\n${OLD}=read\n${ADMIN}=admin\n`);
    t = await startApp({ name: 'auth_reload', env: { RANKFEED_API_KEYS_FILE: file } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('starts with the file’s keys', async () => {
    expect(await status(OLD)).toBe(200);
    expect(await status(NEW)).toBe(401);
  });

  it('revokes and adds keys on SIGHUP, and drops live sockets of the revoked key', async () => {
    const revoked = await connectLive(t.baseUrl, { token: OLD });
    const kept = await connectLive(t.baseUrl, { token: ADMIN });
    sockets.push(revoked, kept);
    let disconnected = false;
    revoked.on('disconnect', () => {
      disconnected = true;
    });
    writeFileSync(file, `${NEW}=read\n${ADMIN}=admin\n`);
    expect(hangup()).toBe(true);
    expectApiError(await t.http.get('/v1/boards', { 'x-api-key': OLD }), 401, 'UNAUTHENTICATED', [
      OLD,
    ]);
    expect(await status(NEW)).toBe(200);
    await waitFor('the revoked socket to be disconnected', () => disconnected);
    expect(kept.connected).toBe(true);
  });

  it('keeps the keys in force when the new file is invalid', async () => {
    writeFileSync(file, `${OLD}=read+root\n`);
    expect(hangup()).toBe(false);
    expect(await status(NEW)).toBe(200);
    expect(await status(OLD)).toBe(401);
  });

  it('keeps the keys in force when the new file is missing', async () => {
    writeFileSync(file, `${NEW}=read\n${ADMIN}=admin\n`);
    const moved = `${file}.gone`;
    const { renameSync } = await import('node:fs');
    renameSync(file, moved);
    expect(hangup()).toBe(false);
    expect(await status(NEW)).toBe(200);
    renameSync(moved, file);
  });

  it('refuses to reload into an empty key set (that would open the service)', async () => {
    writeFileSync(file, '# everyone left\n');
    expect(hangup()).toBe(false);
    expect(await status(NEW)).toBe(200);
    expectApiError(await t.http.get('/v1/boards'), 401, 'UNAUTHENTICATED');
  });
});

/** The real wiring: `node src/main.ts` as a process, and a real SIGHUP sent to it. */
describe('SIGHUP on a running service process', () => {
  let child: ChildProcess;
  let baseUrl: string;
  let file: string;
  const prefix = testPrefix('auth_sighup');
  const status = async (key: string): Promise<number> =>
    (await fetch(`${baseUrl}/v1/boards`, { headers: { 'x-api-key': key } })).status;

  beforeAll(async () => {
    file = join(scratchDir('rankfeed-keys'), 'keys');
    writeFileSync(file, `${OLD}=read\n`);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          HOST: '127.0.0.1',
          REDIS_URL: process.env.TEST_REDIS_URL,
          RANKFEED_PREFIX: prefix,
          RANKFEED_EMBEDDED_REDIS: 'never',
          RANKFEED_API_KEYS_FILE: file,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor(
      'the service to listen',
      async () => (await fetch(`${baseUrl}/health/live`).catch(() => null))?.status === 200,
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    const redis = connectStandalone();
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });

  it('re-reads the key file and keeps running', async () => {
    expect(await status(OLD)).toBe(200);
    expect(await status(NEW)).toBe(401);
    writeFileSync(file, `${NEW}=read\n`);
    child.kill('SIGHUP');
    await waitFor('the new key to work', async () => (await status(NEW)) === 200);
    expect(await status(OLD)).toBe(401);
    expect(child.exitCode).toBeNull();
  });
});
