/**
 * Boot-time Redis: use the one at REDIS_URL when it answers; otherwise (mode 'auto') start a
 * private, persistent `redis-server` from PATH so `npm start` works on a bare machine.
 * Plain node + ioredis on purpose: this runs before Nest exists.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface EnsureRedisOptions {
  redisUrl: string;
  mode: 'auto' | 'never';
  dataDir: string;
  log: (msg: string) => void;
}

export interface EnsuredRedis {
  url: string;
  /** Stops the private redis-server (SIGTERM, SIGKILL after 5 s); a no-op for an external one. */
  stop(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 1000;
/** Loading a large AOF can take a while; a config error shows up in the first milliseconds. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5000;

type Probe = { answered: true } | { answered: false; reason: string };

export async function ensureRedis(opts: EnsureRedisOptions): Promise<EnsuredRedis> {
  const probe = await probeRedis(opts.redisUrl);
  if (probe.answered) return { url: opts.redisUrl, stop: async () => undefined };
  const binary = findOnPath('redis-server');
  if (opts.mode === 'never' || !binary) {
    throw new Error(noRedisMessage(opts.redisUrl, probe.reason, opts.mode));
  }
  return startPrivate(binary, opts);
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function noRedisMessage(url: string, reason: string, mode: 'auto' | 'never'): string {
  const why =
    mode === 'never'
      ? 'starting a private redis-server is disabled (RANKFEED_EMBEDDED_REDIS=never)'
      : 'redis-server is not installed on this machine (not on PATH), so no private one could start';
  const install =
    mode === 'never'
      ? 'install one with `sudo apt-get install -y redis-server` and start it'
      : 'install it with `sudo apt-get install -y redis-server` (rankfeed then starts its own)';
  return (
    `Redis is required but nothing answered at ${redact(url)} (${reason}), and ${why}. ` +
    `To get one: ${install}, or run \`docker run -p 6379:6379 redis:7\`, or set REDIS_URL to ` +
    'a Redis you already run.'
  );
}

/** One PING, ~1 s, no retries; a reply error (NOAUTH...) is reported, not treated as absence. */
async function probeRedis(url: string): Promise<Probe> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    disableClientInfo: true,
  });
  // connect() only says "Connection is closed."; the error event has the cause (ECONNREFUSED...).
  let cause: string | undefined;
  client.on('error', (error: Error) => (cause ??= error.message));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('no answer within 1 s')), PROBE_TIMEOUT_MS + 250);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
    return { answered: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const replied = error instanceof Error && error.name === 'ReplyError';
    // LOADING / BUSY: a Redis is there, just not ready yet; the app's readiness check waits.
    if (replied && /^(LOADING|BUSY|MASTERDOWN)/.test(message)) return { answered: true };
    if (replied)
      throw new Error(`Redis at ${redact(url)} refused PING: ${message}. Check REDIS_URL.`);
    return { answered: false, reason: cause ?? message };
  } finally {
    clearTimeout(timer);
    // disconnect() on an ended client would leave a 2 s timer behind.
    if (client.status !== 'end') client.disconnect();
  }
}

function findOnPath(name: string): string | undefined {
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

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => done(bound));
    });
  });
}

function portOf(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'redis:' ? Number(parsed.port || 6379) : undefined;
  } catch {
    return undefined;
  }
}

/** The port of REDIS_URL when it is free on 127.0.0.1, else any free port. */
async function choosePort(url: string): Promise<number> {
  const wanted = portOf(url);
  const port = (wanted && (await listenOn(wanted))) || (await listenOn(0));
  if (!port) throw new Error('no free TCP port on 127.0.0.1 for a private redis-server');
  return port;
}

/** Keeps the db number of REDIS_URL; the private server has no password. */
function privateUrl(redisUrl: string, port: number): string {
  const db = /^redis:\/\/[^/]*\/(\d+)$/.exec(redisUrl)?.[1];
  return `redis://127.0.0.1:${port}${db ? `/${db}` : ''}`;
}

function pingPort(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

const exited = (child: ChildProcess): boolean =>
  child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess): Promise<void> {
  return exited(child)
    ? Promise.resolve()
    : new Promise((done) => child.once('exit', () => done()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || exited(child)) return;
  const gone = waitExit(child);
  child.kill('SIGTERM');
  const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(escalate);
}

function tail(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '(no output)';
  }
}

async function waitUntilReady(child: ChildProcess, port: number, logPath: string): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!exited(child) && !spawnError && Date.now() < deadline) {
    if (await pingPort(port)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  await stopChild(child);
  const why = spawnError?.message ?? (exited(child) ? 'exited' : 'did not answer PING in 30 s');
  throw new Error(
    `private redis-server on port ${port} ${why}; last lines of ${logPath}:\n${tail(logPath)}`,
  );
}

async function startPrivate(binary: string, opts: EnsureRedisOptions): Promise<EnsuredRedis> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = await choosePort(opts.redisUrl);
  const logPath = join(dataDir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no'];
  args.push('--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dataDir);
  const fd = openSync(logPath, 'a');
  // Own process group: a Ctrl-C reaches the app first, which drains and then calls stop().
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  // SIGTERM rather than SIGKILL: Redis fsyncs the AOF on its way out even after we are gone.
  const onExit = (): void => void child.kill('SIGTERM');
  process.on('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  await waitUntilReady(child, port, logPath);
  const url = privateUrl(opts.redisUrl, port);
  opts.log(`started a private redis-server at ${url} (data in ${dataDir})`);
  return { url, stop: () => stopChild(child) };
}
