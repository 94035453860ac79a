/**
 * Score submissions and top-10 reads: the service against a bare Fastify + ioredis baseline in the
 * same run (DESIGN §7). `npm run bench` builds the service first. Env knobs: REDIS_URL (else a
 * private redis-server), BENCH_CONNECTIONS (64), BENCH_DURATION (10 s), BENCH_WARMUP (2 s),
 * BENCH_SEED (10000 players), BENCH_PLAYERS (100000 ids in the load), BARE_SUBMIT (pipeline|awaits),
 * BENCH_SCENARIOS (submit,top),
 * SERVICE_NODE_ARGS (extra node flags for the service, e.g. --cpu-prof), LOG_LEVEL (warn),
 * BENCH_BASELINE (bare | nest-layers: see bench/nest-layers.ts; diagnostic only).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import type { LoadResult, LoadSpec } from './load';
import { deleteKeys, snapshot, Snapshot } from './redis-stats';
import {
  Child,
  freePort,
  procStats,
  start,
  startPrivateRedis,
  stop,
  transpileBenchFiles,
  waitForHttp,
} from './processes';
import {
  commandLines,
  costTable,
  Measurement,
  ScenarioResult,
  summaryTable,
  verdicts,
} from './report';

const ROOT = resolve(__dirname, '..');
const num = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const opts = {
  connections: num('BENCH_CONNECTIONS', 64),
  duration: num('BENCH_DURATION', 10),
  warmup: num('BENCH_WARMUP', 2),
  seed: num('BENCH_SEED', 10_000),
  players: num('BENCH_PLAYERS', 100_000),
  maxScore: 1_000_000,
  bareSubmit: process.env.BARE_SUBMIT === 'awaits' ? 'awaits' : 'pipeline',
  baseline: process.env.BENCH_BASELINE === 'nest-layers' ? 'nest-layers' : 'bare-server',
  logLevel: process.env.LOG_LEVEL ?? 'warn',
};
const TARGETS = { submit: 0.6, top: 0.8 };

/** BENCH_SCENARIOS=submit or =top runs one of them (e.g. to profile it alone). */
function scenarios(): ('submit' | 'top')[] {
  const wanted = (process.env.BENCH_SCENARIOS ?? 'submit,top').split(',');
  return (['submit', 'top'] as const).filter((s) => wanted.includes(s));
}

interface Server {
  name: 'service' | 'bare';
  url: string;
  child: Child;
}

async function post(url: string, body: unknown, method = 'POST'): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** The same random players and scores on the service's board and in the bare server's set. */
async function seed(service: Server, redis: Redis, bareKey: string): Promise<void> {
  await post(`${service.url}/v1/boards/bench`, {}, 'PUT');
  const entries = Array.from({ length: opts.seed }, (_, i) => ({
    playerId: `p${i}`,
    score: Math.floor(Math.random() * opts.maxScore),
  }));
  for (let i = 0; i < entries.length; i += 1000) {
    await post(`${service.url}/v1/boards/bench/scores/batch`, {
      entries: entries.slice(i, i + 1000),
    });
    await redis.zadd(bareKey, ...entries.slice(i, i + 1000).flatMap((e) => [e.score, e.playerId]));
  }
}

/** One submission and one read on each server, so a broken route fails loudly, not as non-2xx. */
async function smokeTest(servers: Server[]): Promise<void> {
  for (const s of servers) {
    const submitted = (await post(`${s.url}/v1/boards/bench/scores`, {
      playerId: 'p1',
      score: 1,
    })) as {
      periods?: { all?: { rank?: number } };
    };
    const top = (await (await fetch(`${s.url}/v1/boards/bench/top?limit=10`)).json()) as {
      entries?: unknown[];
    };
    if (typeof submitted.periods?.all?.rank !== 'number' || top.entries?.length !== 10) {
      throw new Error(`${s.name} answered unexpectedly: ${JSON.stringify({ submitted, top })}`);
    }
  }
}

/** What the rest of the machine used during a window, as a % of all cores. */
function otherCpuPct(
  first: Snapshot,
  after: Snapshot,
  loadCpuMs: number,
  elapsedMs: number,
): number {
  const ours = after.cpuMs - first.cpuMs + (after.redisMs - first.redisMs) + loadCpuMs;
  const other = after.machineMs - first.machineMs - ours;
  return Math.max(0, (100 * other) / (elapsedMs * cpus().length));
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Starts the load generator; `onMeasuring` runs when its warmup ends. */
function runLoad(spec: LoadSpec, loadJs: string, onMeasuring: () => void): Promise<LoadResult> {
  const load = start(process.execPath, [loadJs, JSON.stringify(spec)]);
  let buffered = '';
  return new Promise<LoadResult>((resolveLoad, reject) => {
    load.proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'measuring') onMeasuring();
        else if (line.startsWith('{')) resolveLoad(JSON.parse(line) as LoadResult);
      }
    });
    load.proc.once('exit', (code) => {
      reject(new Error(`load generator exited ${code}:\n${load.output()}`));
    });
  });
}

/** Runs the load generator against one server, sampling that server and Redis meanwhile. */
async function measure(
  server: Server,
  scenario: 'submit' | 'top',
  loadJs: string,
  redis: Redis,
): Promise<Measurement> {
  const spec: LoadSpec = {
    url: server.url,
    scenario,
    connections: opts.connections,
    warmupSeconds: opts.warmup,
    durationSeconds: opts.duration,
    players: opts.players,
    maxScore: opts.maxScore,
  };
  const pid = server.child.proc.pid as number;
  const window: { before: Promise<Snapshot> | null; startUs: number } = {
    before: null,
    startUs: 0,
  };
  let peakRssMiB = 0;
  let sampler: NodeJS.Timeout | undefined;
  const result = await runLoad(spec, loadJs, () => {
    window.startUs = monotonicUs();
    window.before = snapshot(pid, redis);
    sampler = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, procStats(pid).rssMiB)), 200);
  });
  const endUs = monotonicUs();
  clearInterval(sampler);
  const after = await snapshot(pid, redis);
  if (!window.before) throw new Error('the load generator never reached its measured run');
  const first = await window.before;
  peakRssMiB = Math.max(peakRssMiB, procStats(pid).rssMiB);
  const perReq = (n: number): number => n / Math.max(1, result.requests);
  const calls = Object.entries(after.calls)
    .map(([cmd, n]) => [cmd, perReq(n - (first.calls[cmd] ?? 0))] as const)
    .filter(([cmd, n]) => n >= 0.01 && cmd !== 'info');
  return {
    load: result,
    serverCpuUsPerReq: perReq((after.cpuMs - first.cpuMs) * 1000),
    redisCpuUsPerReq: perReq((after.redisMs - first.redisMs) * 1000),
    peakRssMiB,
    redisCallsPerReq: Object.fromEntries(calls),
    windowUs: { start: window.startUs, end: endUs },
    otherCpuPct: otherCpuPct(first, after, result.cpuMs, (endUs - window.startUs) / 1000),
  };
}

/** Starts both servers; `started` gets each child at once, so a failed start still stops both. */
async function startServers(
  redisUrl: string,
  prefix: string,
  bareJs: string,
  started: Child[],
): Promise<Server[]> {
  const [svcPort, barePort] = [await freePort(), await freePort()];
  const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const service: Server = {
    name: 'service',
    url: `http://127.0.0.1:${svcPort}`,
    child: start(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'main.js')], {
      PORT: String(svcPort),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      RANKFEED_PREFIX: prefix,
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: opts.logLevel,
      RANKFEED_EMBEDDED_REDIS: 'never',
      RANKFEED_API_KEYS: '',
      RANKFEED_API_KEYS_FILE: '',
      NODE_ENV: 'development',
    }),
  };
  const bare: Server = {
    name: 'bare',
    url: `http://127.0.0.1:${barePort}`,
    child: start(process.execPath, [bareJs], {
      PORT: String(barePort),
      REDIS_URL: redisUrl,
      BARE_KEY: `${prefix}:bare:z`,
      BARE_SUBMIT: opts.bareSubmit,
      NEST_LAYERS: process.env.NEST_LAYERS ?? '',
    }),
  };
  started.push(service.child, bare.child);
  await waitForHttp(`${service.url}/health/ready`, service.child);
  await waitForHttp(`${bare.url}/health`, bare.child);
  return [service, bare];
}

function describeRun(redisVersion: string | undefined, privateRedis: boolean): string {
  const baseline =
    opts.baseline === 'nest-layers'
      ? `nest-layers [${process.env.NEST_LAYERS ?? ''}]`
      : `bare (submit ${opts.bareSubmit})`;
  return (
    `node ${process.version}, ${cpus().length} cores, Redis ${redisVersion} ` +
    `(${privateRedis ? 'private' : 'REDIS_URL'}), ${opts.connections} connections, ` +
    `${opts.warmup} s warmup + ${opts.duration} s, seed ${opts.seed} players, ` +
    `load over ${opts.players} ids, baseline ${baseline}, LOG_LEVEL=${opts.logLevel}`
  );
}

async function main(): Promise<void> {
  const compiled = transpileBenchFiles(ROOT, ['bare-server', 'nest-layers', 'load']);
  const privateRedis = process.env.REDIS_URL ? null : await startPrivateRedis();
  const redisUrl = process.env.REDIS_URL ?? (privateRedis?.url as string);
  const prefix = `bench_${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const children: Child[] = [];
  try {
    const version = (/redis_version:(\S+)/.exec(await redis.info('server')) ?? [])[1];
    console.log(describeRun(version, privateRedis !== null));
    const servers = await startServers(redisUrl, prefix, compiled[opts.baseline], children);
    await seed(servers[0], redis, `${prefix}:bare:z`);
    await smokeTest(servers);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios()) {
      const [service, bare] = [
        await measure(servers[0], scenario, compiled.load, redis),
        await measure(servers[1], scenario, compiled.load, redis),
      ];
      const name = scenario === 'submit' ? 'POST scores' : 'GET top?limit=10';
      results.push({ scenario: name, target: TARGETS[scenario], service, bare });
      console.log(
        `${name}: service ${Math.round(service.load.reqPerSec)} req/s, bare ${Math.round(bare.load.reqPerSec)} req/s`,
      );
    }
    console.log(
      `\n${summaryTable(results)}\n\n${costTable(results)}\n\n${commandLines(results)}\n\n${verdicts(results)}`,
    );
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = join(
      ROOT,
      'bench',
      'results',
      `scores-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(file, JSON.stringify({ opts, results }, null, 2));
    console.log(`\nraw results: ${file}`);
  } finally {
    for (const child of children) await stop(child);
    if (privateRedis) await stop(privateRedis.child);
    else console.log(`removed ${await deleteKeys(redis, prefix)} keys under ${prefix}:`);
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
