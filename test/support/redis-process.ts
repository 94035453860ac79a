/**
 * Low-level pieces of the test harness: free ports, private redis-server processes that die with
 * the test run (SIGKILL on exit; setpriv's pdeathsig when the runner itself is killed).
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const START_TIMEOUT_MS = 10_000;
const live = new Set<ChildProcess>();
const tmpDirs = new Set<string>();
let exitHookInstalled = false;

/** Children die with us: SIGKILL on normal exit; setpriv's pdeathsig covers a killed runner. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** Under TEST_REDIS_TMPDIR (global-setup removes it) or the OS tmp dir (removed on exit). */
export function scratchDir(prefix: string): string {
  const root = process.env.TEST_REDIS_TMPDIR;
  if (root && existsSync(root)) return mkdtempSync(join(root, prefix));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  installExitHook();
  tmpDirs.add(dir);
  return dir;
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => done(true)),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A port below 55000 whose cluster bus port (port + 10000) is free as well. */
export async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if ((await isPortFree(port)) && (await isPortFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port + 10000) found below 55000');
}

/** True once the server answers PING: +PONG, or -NOAUTH with requirepass; not -LOADING. */
function pingPort(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(/^(\+PONG|-NOAUTH)/.test(reply));
    });
  });
}

function logTail(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}

function spawnRedis(args: string[], logPath: string): ChildProcess {
  const fd = openSync(logPath, 'a');
  const setpriv = findOnPath('setpriv');
  const [command, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', 'redis-server', ...args]]
    : ['redis-server', args];
  const child = spawn(command, argv, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  installExitHook();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

const hasExited = (child: ChildProcess): boolean =>
  child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess): Promise<void> {
  if (hasExited(child) || !live.has(child)) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function waitForPing(child: ChildProcess, port: number, logPath: string): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError || hasExited(child)) {
      const why = spawnError
        ? spawnError.message
        : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(`redis-server on port ${port} ${why}; its output:\n${logTail(logPath)}`);
    }
    if (await pingPort(port)) return;
    await sleep(50);
  }
  child.kill('SIGKILL');
  await waitExit(child);
  throw new Error(
    `redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms; ` +
      `its output:\n${logTail(logPath)}`,
  );
}

export async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (hasExited(child) || !live.has(child)) return;
  const exited = waitExit(child);
  child.kill(signal);
  // A Redis that ignores SIGTERM for 10 s gets SIGKILL.
  const escalate = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(escalate);
}

/** Spawns redis-server on 127.0.0.1:port, output to <dir>/redis.log; resolves once PING answers. */
export async function launchRedis(
  port: number,
  dir: string,
  args: string[],
): Promise<ChildProcess> {
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--dir', dir];
  const logPath = join(dir, 'redis.log');
  const child = spawnRedis([...base, ...args], logPath);
  await waitForPing(child, port, logPath);
  return child;
}

/** Whether a failed start lost a race for its port (worth retrying on another one). */
export const lostPortRace = (error: unknown): boolean =>
  error instanceof Error && /already in use/i.test(error.message);
