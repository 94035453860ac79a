/**
 * Live rankings bench (issue 3): N socket.io subscribers on one top-10 view while M submissions/s
 * arrive, against a bare socket.io room broadcast of the same payload size and message rate, in
 * the same run. `npm run bench:live` builds first. All processes are separate and on 127.0.0.1: a
 * private redis-server, the service (`node dist/main.js`), the bare server (bench/live-bare.ts),
 * one submitter (bench/live-submit.ts) and LIVE_CLIENT_PROCS client processes
 * (bench/live-clients.ts). Run: `npm run bench:live`.
 * Env knobs: LIVE_SUBMITS (1000/s), LIVE_TICK_MS (100), LIVE_STEPS (subscriber counts,
 * "2500,1500,1000"), LIVE_BARE_STEPS (more subscriber counts for the bare broadcast only,
 * "4000,3000"; empty for none), LIVE_TARGET_N (1000), LIVE_MEASURE_S (6), LIVE_WARMUP_S (2),
 * LIVE_INSTANCES (1: service processes on one Redis, each getting a share of the client processes
 * and of the submissions; CPU and memory are summed, the inside metrics are the first one's),
 * LIVE_CLIENT_PROCS (4), LIVE_CLIENT (`raw`, or `socket.io` for socket.io-client; see
 * live-clients.ts), LIVE_MEMORY_SOCKETS (5000), SERVICE_NODE_ARGS (e.g. --cpu-prof),
 * LIVE_SERVICE_DIST (the build to run, `dist`; another build of the service, placed inside the
 * repository so it finds node_modules — under `cmp/`, which git and eslint ignore — can be
 * compared under the same conditions, e.g. `git worktree add /tmp/old <commit>`, build it there,
 * copy its dist to cmp/<commit>/dist).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import type { ClientSpec, LiveSample } from './live-clients';
import {
  Child,
  freePort,
  machineBusyMs,
  procStats,
  start,
  startPrivateRedis,
  stop,
  transpileBenchFiles,
  waitForHttp,
} from './processes';
import { liveReport, StepResult } from './live-report';
import { monotonicUs, runQueueMs, scrape, serviceWindow, windowFields } from './live-probes';

const ROOT = resolve(__dirname, '..');
const num = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const opts = {
  submits: num('LIVE_SUBMITS', 1000),
  tickMs: num('LIVE_TICK_MS', 100),
  steps: (process.env.LIVE_STEPS ?? '2500,1500,1000').split(',').map(Number),
  // The bare broadcast also runs at these (more) subscribers: its capacity at p99 ≤ 100 ms is
  // above the service's steps, and the deliveries ratio must not be capped by them.
  bareSteps: (process.env.LIVE_BARE_STEPS ?? '4000,3000').split(',').filter(Boolean).map(Number),
  targetN: num('LIVE_TARGET_N', 1000),
  measureS: num('LIVE_MEASURE_S', 6),
  warmupS: num('LIVE_WARMUP_S', 2),
  // Four: the load generator shares the server's two cores, and ten processes took ~15 % more
  // of them for the same messages (BENCHMARKS.md, live section).
  procs: num('LIVE_CLIENT_PROCS', 4),
  memorySockets: num('LIVE_MEMORY_SOCKETS', 5000),
  client: (process.env.LIVE_CLIENT === 'socket.io' ? 'socket.io' : 'raw') as ClientSpec['client'],
  instances: num('LIVE_INSTANCES', 1),
  players: 200,
};
const BOARD = 'livebench';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A child process spoken to in JSON lines: send a command, await its one-line answer. */
class Controlled {
  private buffered = '';
  private waiting: ((msg: any) => void)[] = [];
  constructor(readonly child: Child) {
    child.proc.stdout?.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        if (line.startsWith('{')) this.waiting.shift()?.(JSON.parse(line));
      }
    });
  }
  ask<T = any>(cmd: object): Promise<T> {
    return new Promise<T>((resolveAsk, reject) => {
      const onExit = (): void => reject(new Error(`child exited:\n${this.child.output()}`));
      // Exited already (e.g. failed at start): its 'exit' will not come again.
      if (this.child.proc.exitCode !== null || this.child.proc.signalCode !== null) return onExit();
      this.child.proc.once('exit', onExit);
      this.waiting.push((msg) => {
        this.child.proc.off('exit', onExit);
        resolveAsk(msg as T);
      });
      this.child.proc.stdin?.write(`${JSON.stringify(cmd)}\n`);
    });
  }
}

/** Like processes.start, with stdin piped for the JSON-line commands. */
function startPiped(js: string, arg: object, env: NodeJS.ProcessEnv = {}): Controlled {
  const proc = spawn(process.execPath, [js, JSON.stringify(arg)], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let tail = '';
  proc.stderr?.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-8192)));
  return new Controlled({ proc, output: () => tail });
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

/** Spreads n sockets over the client processes. */
const share = (n: number, procs: number): number[] =>
  Array.from({ length: procs }, (_, i) => Math.floor(n / procs) + (i < n % procs ? 1 : 0));

async function setSockets(clients: Controlled[], n: number): Promise<void> {
  const per = share(n, clients.length);
  await Promise.all(clients.map((c, i) => c.ask({ cmd: 'keep', n: per[i] })));
  await Promise.all(clients.map((c, i) => c.ask({ cmd: 'connect', n: per[i] })));
}

function percentile(hist: number[], p: number): number {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= total * p) return i;
  }
  return hist.length - 1;
}

/**
 * The latency histogram of the submissions whose own response ranked them in the top half of
 * the view (`entered`, from the submitter): an entry that appears because the ones above it
 * dropped out (under update: latest) carries the `t` of an older submission, and would count time
 * no submission waited; so would one pushed out before the next tick that returned later.
 */
function ownSubmissions(samples: LiveSample[], entered: number[]): number[] {
  const keep = new Set(entered);
  const buckets = samples[0].latencies.length;
  const hist = new Array<number>(buckets).fill(0);
  for (const sample of samples) {
    for (const [t, latencies] of sample.byT) {
      if (!keep.has(t)) continue;
      for (const ms of latencies) hist[Math.min(buckets - 1, Math.max(0, ms))] += 1;
    }
  }
  return hist;
}

interface Pids {
  /** The server processes (several service instances with LIVE_INSTANCES). */
  servers: number[];
  others: number[];
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
/** Resident memory of processes together (the service instances), MiB. */
const rssOf = (pids: number[]): number => sum(pids.map((p) => procStats(p).rssMiB));

/** Measures one step: every client process for `measureS`, CPU of each of our processes. */
async function measureStep(
  name: 'service' | 'bare',
  n: number,
  clients: Controlled[],
  pids: Pids,
  extra: () => Promise<Partial<StepResult> & { entered?: number[] }>,
  metricsUrl?: string,
): Promise<StepResult> {
  await sleep(opts.warmupS * 1000);
  const ours = [...pids.servers, ...pids.others];
  const metrics0 = metricsUrl ? await scrape(metricsUrl) : null;
  const cpu0 = ours.map((p) => procStats(p).cpuMs);
  const waited0 = sum(pids.servers.map(runQueueMs));
  const machine0 = machineBusyMs();
  const t0 = Date.now();
  const startUs = monotonicUs();
  const samples = await Promise.all(
    clients.map((c) => c.ask<LiveSample>({ cmd: 'measure', ms: opts.measureS * 1000 })),
  );
  const endUs = monotonicUs();
  const elapsedMs = Date.now() - t0;
  const metrics1 = metricsUrl ? await scrape(metricsUrl) : null;
  const cpu1 = ours.map((p) => procStats(p).cpuMs);
  const waited1 = sum(pids.servers.map(runQueueMs));
  const machine1 = machineBusyMs();
  const used = cpu1.map((c, i) => c - cpu0[i]);
  const oursMs = used.reduce((a, b) => a + b, 0);
  const all = samples[0].latencies.map((_, i) => samples.reduce((a, s) => a + s.latencies[i], 0));
  const { entered, ...more } = await extra();
  // Service steps: only submissions that entered the view themselves (see live-clients.ts).
  const hist = entered ? ownSubmissions(samples, entered) : all;
  const deliveries = samples.reduce((a, s) => a + s.deliveries, 0);
  const sampled = samples.reduce((a, s) => a + s.sampledMessages, 0);
  return {
    server: name,
    subscribers: n,
    deliveriesPerSec: (deliveries * 1000) / elapsedMs,
    latencySamples: hist.reduce((a, b) => a + b, 0),
    p50: percentile(hist, 0.5),
    p99: percentile(hist, 0.99),
    max: percentile(hist, 1),
    avgMessageBytes: sampled ? samples.reduce((a, s) => a + s.bytes, 0) / sampled : 0,
    connected: samples.reduce((a, s) => a + s.sockets, 0),
    disconnects: samples.reduce((a, s) => a + s.disconnects, 0),
    serverCpuPct: (100 * sum(used.slice(0, pids.servers.length))) / elapsedMs,
    serverRunQueuePct: (100 * (waited1 - waited0)) / elapsedMs,
    clientCpuPct: (100 * samples.reduce((a, s) => a + s.cpuMs, 0)) / elapsedMs,
    otherCpuPct: Math.max(0, (100 * (machine1 - machine0 - oursMs)) / (elapsedMs * cpus().length)),
    rssMiB: rssOf(pids.servers),
    instances: pids.servers.length,
    windowUs: { start: startUs, end: endUs },
    ...(metrics0 && metrics1 ? windowFields(serviceWindow(metrics0, metrics1, elapsedMs)) : {}),
    ...(entered
      ? {
          appearances: {
            samples: all.reduce((a, b) => a + b, 0),
            p50: percentile(all, 0.5),
            p99: percentile(all, 0.99),
          },
        }
      : {}),
    ...more,
  };
}

async function main(): Promise<void> {
  const js = transpileBenchFiles(ROOT, ['live-clients', 'live-submit', 'live-bare']);
  const redisProc = await startPrivateRedis();
  const redis = new Redis(redisProc.url);
  const children: Child[] = [redisProc.child];
  const controlled: Controlled[] = [];
  const began = Date.now();
  try {
    const version = (/redis_version:(\S+)/.exec(await redis.info('server')) ?? [])[1];
    const barePort = await freePort();
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const dist = resolve(ROOT, process.env.LIVE_SERVICE_DIST ?? 'dist');
    const prefix = `bench_${randomBytes(4).toString('hex')}`;
    const services: Child[] = [];
    const svcUrls: string[] = [];
    for (let i = 0; i < opts.instances; i += 1) {
      const port = await freePort();
      const service = start(process.execPath, [...nodeArgs, join(dist, 'main.js')], {
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: redisProc.url,
        RANKFEED_PREFIX: prefix,
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        RANKFEED_EMBEDDED_REDIS: 'never',
        RANKFEED_API_KEYS: '',
        RANKFEED_API_KEYS_FILE: '',
        NODE_ENV: 'development',
        LIVE_TICK_MS: String(opts.tickMs),
      });
      children.push(service);
      services.push(service);
      svcUrls.push(`http://127.0.0.1:${port}`);
    }
    const svcUrl = svcUrls[0];
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const bare = startPiped(js['live-bare'], {}, { PORT: String(barePort) });
    children.push(bare.child);
    controlled.push(bare);
    for (const [i, url] of svcUrls.entries()) await waitForHttp(`${url}/health/ready`, services[i]);
    await waitForHttp(`${bareUrl}/health`, bare.child);
    console.log(
      `node ${process.version}, ${cpus().length} cores, Redis ${version} (private), ` +
        `LIVE_TICK_MS=${opts.tickMs}, ${opts.submits} submissions/s over ${opts.players} players ` +
        `(update: latest), steps ${opts.steps.join('/')} subscribers (bare also ` +
        `${opts.bareSteps.join('/') || 'none'}), ${opts.warmupS} s warmup + ` +
        `${opts.measureS} s per step, ${opts.procs} client processes (${opts.client} clients), ` +
        `${opts.instances} service instance(s)`,
    );

    await post(`${svcUrl}/v1/boards/${BOARD}`, { update: 'latest' }, 'PUT');
    const seed = Array.from({ length: opts.players }, (_, i) => ({
      playerId: `p${i}`,
      score: Math.floor(Math.random() * 1_000_000),
    }));
    await post(`${svcUrl}/v1/boards/${BOARD}/scores/batch`, { entries: seed });

    // Client process i talks to server urls[i % urls.length].
    const makeClients = (urls: string[], mode: ClientSpec['mode']): Controlled[] =>
      Array.from({ length: opts.procs }, (_, i) => {
        const c = startPiped(js['live-clients'], {
          url: urls[i % urls.length],
          mode,
          boardId: BOARD,
          client: opts.client,
        } as ClientSpec);
        children.push(c.child);
        controlled.push(c);
        return c;
      });
    const submitter = startPiped(js['live-submit'], {
      urls: svcUrls,
      boardId: BOARD,
      players: opts.players,
      maxInFlight: 256,
      // The top half of the top-10 view: ~100 submissions arrive per tick, ~2.5 % of them above
      // rank 5, so an entry ranked ≤ 5 is still in the view when the next tick reads it.
      enteredRank: 5,
    });
    children.push(submitter.child);
    controlled.push(submitter);

    // 1. Memory per idle subscribed socket (nothing is submitted yet).
    const svcPids = services.map((c) => c.proc.pid as number);
    const svcClients = makeClients(svcUrls, 'service');
    await sleep(1000);
    const rss0 = rssOf(svcPids);
    await setSockets(svcClients, opts.memorySockets);
    await sleep(3000);
    const rss1 = rssOf(svcPids);
    const memory = { sockets: opts.memorySockets, rssBeforeMiB: rss0, rssAfterMiB: rss1 };
    if (opts.memorySockets > 0) {
      console.log(
        `memory: service RSS ${rss0.toFixed(1)} → ${rss1.toFixed(1)} MiB with ${opts.memorySockets} idle subscribed sockets: ` +
          `${(((rss1 - rss0) * 1024 * 1024) / opts.memorySockets / 1024).toFixed(1)} KiB/socket`,
      );
    }

    // 2. The service: steps of subscribers while submissions run.
    const steps: StepResult[] = [];
    const clientPids = (cs: Controlled[]): number[] => cs.map((c) => c.child.proc.pid as number);
    const redisPid = redisProc.child.proc.pid as number;
    for (const n of opts.steps) {
      // Drained between steps: a step must not inherit the previous one's queue of submissions.
      await submitter.ask({ cmd: 'rate', perSec: 0 });
      while (((await submitter.ask({ cmd: 'stats' })).inFlight as number) > 0) await sleep(50);
      await setSockets(svcClients, n);
      await submitter.ask({ cmd: 'rate', perSec: opts.submits });
      const before = await submitter.ask({ cmd: 'stats' });
      const r = await measureStep(
        'service',
        n,
        svcClients,
        {
          servers: svcPids,
          others: [redisPid, submitter.child.proc.pid as number, ...clientPids(svcClients)],
        },
        async () => {
          const after = await submitter.ask({ cmd: 'stats' });
          const okPerSec = (after.ok - before.ok) / (opts.measureS + opts.warmupS);
          return {
            submitsPerSec: okPerSec,
            submitSkipped: after.skipped - before.skipped,
            responseP50: percentile(after.responseMs as number[], 0.5),
            responseP99: percentile(after.responseMs as number[], 0.99),
            entered: after.entered as number[],
          };
        },
        svcUrl,
      );
      steps.push(r);
      console.log(JSON.stringify(r));
    }
    await submitter.ask({ cmd: 'rate', perSec: 0 });
    await Promise.all(svcClients.map((c) => c.ask({ cmd: 'keep', n: 0 })));
    const avgBytes = Math.round(
      steps.reduce((a, s) => a + s.avgMessageBytes, 0) / Math.max(1, steps.length),
    );

    // 3. The bare socket.io broadcast: same subscriber steps, payload size and message rate.
    const bareClients = makeClients([bareUrl], 'bare');
    const bareSteps = [...new Set([...opts.bareSteps, ...opts.steps])].sort((a, b) => b - a);
    for (const n of bareSteps) {
      // Connect with the broadcast off, so the handshakes do not compete with it.
      await bare.ask({ cmd: 'emit', size: 0 });
      await setSockets(bareClients, n);
      await bare.ask({ cmd: 'emit', intervalMs: opts.tickMs, size: avgBytes });
      const r = await measureStep(
        'bare',
        n,
        bareClients,
        { servers: [bare.child.proc.pid as number], others: clientPids(bareClients) },
        async () => {
          const e = await bare.ask<{ emits: number; emitMs: number }>({ cmd: 'stats' });
          return { fanoutMs: e.emits ? e.emitMs / e.emits : NaN };
        },
      );
      steps.push(r);
      console.log(JSON.stringify(r));
    }
    await bare.ask({ cmd: 'emit', size: 0 });

    console.log(`\n${liveReport(steps, memory, opts.targetN, avgBytes, opts.tickMs)}`);
    console.log(`\ntotal run time ${((Date.now() - began) / 1000).toFixed(0)} s`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = join(
      ROOT,
      'bench',
      'results',
      `live-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(file, JSON.stringify({ opts, memory, steps }, null, 2));
    console.log(`raw results: ${file}`);
  } finally {
    for (const c of controlled) c.child.proc.stdin?.end();
    for (const child of children.reverse()) await stop(child);
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
