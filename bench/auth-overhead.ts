/**
 * What auth + rate limiting cost on the submission path (issue 5: under 15% of throughput). The
 * built service runs twice on one Redis in the same run: open with RATE_LIMIT_ENABLED=false, and
 * with RANKFEED_API_KEYS and rate limits on (a bucket far too large to ever refuse, so every
 * request pays for the key check and one take-token script). Both answer POST /v1/boards/b/scores
 * for random players; rounds alternate A B B A … so a drifting machine load cancels out.
 * `npm run bench:auth` builds first. Env knobs: REDIS_URL (else a private redis-server),
 * BENCH_CONNECTIONS (64), BENCH_DURATION (10 s), BENCH_WARMUP (2 s), BENCH_ROUNDS (2 per server),
 * BENCH_PLAYERS (100000), SERVICE_NODE_ARGS (e.g. --cpu-prof), LOG_LEVEL (warn).
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Child, freePort, start, startPrivateRedis, stop, waitForHttp } from './processes';
import { deleteKeys, snapshot, Snapshot } from './redis-stats';

const ROOT = resolve(__dirname, '..');
const num = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const opts = {
  connections: num('BENCH_CONNECTIONS', 64),
  duration: num('BENCH_DURATION', 10),
  warmup: num('BENCH_WARMUP', 2),
  rounds: num('BENCH_ROUNDS', 2),
  players: num('BENCH_PLAYERS', 100_000),
  logLevel: process.env.LOG_LEVEL ?? 'warn',
};
const TARGET_OVERHEAD_PCT = 15;
const KEY = `bench-${randomBytes(12).toString('hex')}`;
const HUGE = '1000000000';

interface Variant {
  name: string;
  env: NodeJS.ProcessEnv;
  headers: Record<string, string>;
}

const VARIANTS: Variant[] = [
  {
    name: 'open, limits off',
    env: { RANKFEED_API_KEYS: '', RATE_LIMIT_ENABLED: 'false' },
    headers: {},
  },
  {
    name: 'API key, limits on',
    env: {
      RANKFEED_API_KEYS: `${KEY}=scores.write+boards.admin+read`,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_WRITE_BURST: HUGE,
      RATE_LIMIT_WRITE_RATE: HUGE,
    },
    headers: { 'x-api-key': KEY },
  },
];

interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  players: number;
}

interface Round {
  reqPerSec: number;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  failures: number;
  serverCpuUsPerReq: number;
  redisCpuUsPerReq: number;
  redisCallsPerReq: number;
}

interface Server {
  variant: Variant;
  url: string;
  child: Child;
}

// ---- the load generator: this file run with `--load <spec>`, in its own process ----

async function load(spec: LoadSpec): Promise<void> {
  const run = (seconds: number) =>
    autocannon({
      url: spec.url,
      connections: spec.connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/v1/boards/b/scores',
          headers: { 'content-type': 'application/json', ...spec.headers },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              playerId: `p${Math.floor(Math.random() * spec.players)}`,
              score: Math.floor(Math.random() * 1_000_000),
            }),
          }),
        },
      ],
    });
  if (spec.warmupSeconds > 0) await run(spec.warmupSeconds);
  process.stdout.write('measuring\n');
  const r = await run(spec.durationSeconds);
  const failures = r.errors + r.non2xx + r.timeouts;
  const seconds = r.duration || spec.durationSeconds;
  process.stdout.write(
    `${JSON.stringify({ requests: r.requests.total, seconds, p50: r.latency.p50, p99: r.latency.p99, failures })}\n`,
  );
}

/** Runs the load generator; `onMeasuring` runs when its warmup ends. */
function runLoad(
  spec: LoadSpec,
  onMeasuring: () => void,
): Promise<Pick<Round, 'requests' | 'seconds' | 'p50' | 'p99' | 'failures'>> {
  const child = start(process.execPath, [
    '-r',
    'ts-node/register/transpile-only',
    __filename,
    '--load',
    JSON.stringify(spec),
  ]);
  let buffered = '';
  return new Promise((done, fail) => {
    child.proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'measuring') onMeasuring();
        else if (line.startsWith('{')) done(JSON.parse(line));
      }
    });
    child.proc.once('exit', (code) => fail(new Error(`load exited ${code}:\n${child.output()}`)));
  });
}

// ---- the orchestrator ----

async function request(server: Server, method: string, path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...server.variant.headers },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res;
}

async function startServer(variant: Variant, redisUrl: string, prefix: string): Promise<Server> {
  const port = await freePort();
  const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = start(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'main.js')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    RANKFEED_PREFIX: prefix,
    RANKFEED_EMBEDDED_REDIS: 'never',
    RANKFEED_API_KEYS_FILE: '',
    LOG_LEVEL: opts.logLevel,
    NODE_ENV: 'development',
    ...variant.env,
  });
  const server = { variant, url: `http://127.0.0.1:${port}`, child };
  await waitForHttp(`${server.url}/health/ready`, child);
  await request(server, 'PUT', '/v1/boards/b', {});
  // A broken route or a refusing limiter fails here, loudly, not as non-2xx in the table.
  const res = await request(server, 'POST', '/v1/boards/b/scores', { playerId: 'p0', score: 1 });
  const limited = res.headers.get('ratelimit-limit') !== null;
  if (limited !== (variant.env.RATE_LIMIT_ENABLED === 'true')) {
    throw new Error(`${variant.name}: RateLimit-Limit header ${limited ? 'present' : 'missing'}`);
  }
  return server;
}

async function measure(server: Server, redis: Redis): Promise<Round> {
  const spec: LoadSpec = {
    url: server.url,
    headers: server.variant.headers,
    connections: opts.connections,
    warmupSeconds: opts.warmup,
    durationSeconds: opts.duration,
    players: opts.players,
  };
  const pid = server.child.proc.pid as number;
  const window: { before: Promise<Snapshot> | null } = { before: null };
  const result = await runLoad(spec, () => (window.before = snapshot(pid, redis)));
  const after = await snapshot(pid, redis);
  if (!window.before) throw new Error('the load generator never reached its measured run');
  const first = await window.before;
  const perReq = (n: number): number => n / Math.max(1, result.requests);
  const calls = (s: Snapshot): number =>
    Object.entries(s.calls).reduce((sum, [cmd, n]) => (cmd === 'info' ? sum : sum + n), 0);
  return {
    ...result,
    reqPerSec: result.requests / result.seconds,
    serverCpuUsPerReq: perReq((after.cpuMs - first.cpuMs) * 1000),
    redisCpuUsPerReq: perReq((after.redisMs - first.redisMs) * 1000),
    redisCallsPerReq: perReq(calls(after) - calls(first)),
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f1 = (n: number): string => n.toFixed(1);

function summary(variant: Variant, rounds: Round[]) {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  return {
    name: variant.name,
    reqPerSec: requests / seconds,
    p50: mean(rounds.map((r) => r.p50)),
    p99: mean(rounds.map((r) => r.p99)),
    failures: rounds.reduce((s, r) => s + r.failures, 0),
    serverCpuUsPerReq: mean(rounds.map((r) => r.serverCpuUsPerReq)),
    redisCpuUsPerReq: mean(rounds.map((r) => r.redisCpuUsPerReq)),
    redisCallsPerReq: mean(rounds.map((r) => r.redisCallsPerReq)),
    rounds: rounds.map((r) => Math.round(r.reqPerSec)),
  };
}

function report(results: ReturnType<typeof summary>[]): string {
  const rows = results.map((s) =>
    [
      s.name,
      Math.round(s.reqPerSec).toLocaleString('en-US'),
      s.rounds.join(' / '),
      `${s.p50} / ${s.p99}`,
      f1(s.serverCpuUsPerReq),
      f1(s.redisCpuUsPerReq),
      s.redisCallsPerReq.toFixed(2),
      String(s.failures),
    ].join(' | '),
  );
  const [open, limited] = results;
  const ratio = limited.reqPerSec / open.reqPerSec;
  const overhead = (1 - ratio) * 100;
  const verdict = overhead < TARGET_OVERHEAD_PCT ? 'PASS' : 'FAIL';
  return [
    '| variant | req/s | req/s per round | p50 / p99 ms | server CPU µs/req | Redis CPU µs/req | Redis calls/req | non-2xx+errors |',
    '|:--|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map((r) => `| ${r} |`),
    '',
    `throughput ratio (limits on / off): ${ratio.toFixed(3)}; overhead ${f1(overhead)}% ` +
      `(target < ${TARGET_OVERHEAD_PCT}%): ${verdict}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const privateRedis = process.env.REDIS_URL ? null : await startPrivateRedis();
  const redisUrl = process.env.REDIS_URL ?? (privateRedis?.url as string);
  const prefix = `bench_${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const servers: Server[] = [];
  try {
    const version = (/redis_version:(\S+)/.exec(await redis.info('server')) ?? [])[1];
    console.log(
      `node ${process.version}, ${cpus().length} cores, Redis ${version}, ${opts.connections} ` +
        `connections, ${opts.rounds} rounds per variant of ${opts.warmup} s warmup + ` +
        `${opts.duration} s, load average at start ${loadavg().map(f1).join(' ')}`,
    );
    for (const [i, variant] of VARIANTS.entries()) {
      servers.push(await startServer(variant, redisUrl, `${prefix}_${i}`));
    }
    const rounds: Round[][] = VARIANTS.map(() => []);
    for (let r = 0; r < opts.rounds; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const round = await measure(servers[i], redis);
        rounds[i].push(round);
        console.log(`${VARIANTS[i].name}: ${Math.round(round.reqPerSec)} req/s`);
      }
    }
    const results = VARIANTS.map((v, i) => summary(v, rounds[i]));
    console.log(`\n${report(results)}\nload average at end ${loadavg().map(f1).join(' ')}`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = join(
      ROOT,
      'bench',
      'results',
      `auth-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(file, JSON.stringify({ opts, results, rounds }, null, 2));
    console.log(`raw results: ${file}`);
  } finally {
    for (const s of servers) await stop(s.child);
    if (privateRedis) await stop(privateRedis.child);
    else for (let i = 0; i < VARIANTS.length; i++) await deleteKeys(redis, `${prefix}_${i}`);
    redis.disconnect();
  }
}

const loadArg = process.argv.indexOf('--load');
(loadArg >= 0 ? load(JSON.parse(process.argv[loadArg + 1]) as LoadSpec) : main()).catch(
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  },
);
