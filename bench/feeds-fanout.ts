/**
 * Feeds bench (issue 4): fan-out of one activity to 10,000 followers end to end, beside raw
 * pipelined ZADDs into 10,000 keys; feed page reads (20 items) at 64 connections, beside the bare
 * Fastify + ioredis server (bench/bare-server.ts) reading the same feed keys; Redis bytes per feed
 * entry. Run: npm run bench:feeds
 */
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Keys } from '../src/redis/keys';
import {
  Child,
  freePort,
  start,
  startPrivateRedis,
  stop,
  transpileBenchFiles,
  waitForHttp,
} from './processes';

const ROOT = join(__dirname, '..');
const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const RUNS = Number(process.env.BENCH_FANOUT_RUNS ?? 10);
const FEED_ITEMS = Number(process.env.BENCH_FEED_ITEMS ?? 50);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (ns: bigint) => Number(ns) / 1e6;

async function post(url: string, actor: string, body: object): Promise<{ id: string }> {
  const res = await fetch(`${url}/v1/players/${actor}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST activity: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Time from POST to the job's completion (its stream entry is deleted when done). */
async function fanoutOnce(url: string, redis: Redis, keys: Keys): Promise<number> {
  const t0 = process.hrtime.bigint();
  await post(url, 'star', { verb: 'bench' });
  while ((await redis.xlen(keys.fanoutJobs())) > 0) await sleep(1);
  return ms(process.hrtime.bigint() - t0);
}

async function rawZadd(redis: Redis, prefix: string, perKey: 1 | 3): Promise<number> {
  const member = `${Date.now()}-${randomBytes(5).toString('hex')}:star`;
  const t0 = process.hrtime.bigint();
  const p = redis.pipeline();
  for (let i = 0; i < FOLLOWERS; i++) {
    const key = `${prefix}:raw:{p:f${i}}:feed`;
    p.zadd(key, Date.now(), member);
    if (perKey === 3) p.zremrangebyrank(key, 0, -801).pexpire(key, 30 * 86_400_000);
  }
  await p.exec();
  return ms(process.hrtime.bigint() - t0);
}

async function bytesPerEntry(redis: Redis, key: string): Promise<string> {
  const [bytes, n] = [
    Number(await redis.memory('USAGE', key, 'SAMPLES', '0')),
    await redis.zcard(key),
  ];
  return `${n} entries, ${bytes} B, ${(bytes / n).toFixed(1)} B/entry`;
}

async function main(): Promise<void> {
  const privateRedis = await startPrivateRedis();
  const redis = new Redis(privateRedis.url);
  const prefix = `bench_${randomBytes(4).toString('hex')}`;
  const keys = new Keys(prefix);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let service: Child | null = null;
  let bare: Child | null = null;
  try {
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    service = start(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'main.js')], {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: privateRedis.url,
      RANKFEED_PREFIX: prefix,
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      RANKFEED_EMBEDDED_REDIS: 'never',
      RANKFEED_API_KEYS: '',
      NODE_ENV: 'development',
    });
    await waitForHttp(`${url}/health/ready`, service);
    const version = (/redis_version:(\S+)/.exec(await redis.info('server')) ?? [])[1];
    console.log(`node ${process.version}, Redis ${version}, ${FOLLOWERS} followers, ${RUNS} runs`);

    const seed = redis.pipeline();
    for (let i = 0; i < FOLLOWERS; i += 1000) {
      const ids = Array.from({ length: Math.min(1000, FOLLOWERS - i) }, (_, j) => `f${i + j}`);
      seed.sadd(keys.followers('star'), ...ids);
      for (const f of ids) seed.sadd(keys.following(f), 'star');
    }
    await seed.exec();

    await fanoutOnce(url, redis, keys); // warm-up
    await rawZadd(redis, prefix, 1);
    const service1: number[] = [];
    const raw1: number[] = [];
    const raw3: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      service1.push(await fanoutOnce(url, redis, keys));
      raw1.push(await rawZadd(redis, prefix, 1));
      raw3.push(await rawZadd(redis, prefix, 3));
    }
    const fmt = (xs: number[]) =>
      `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(`fan-out 1 activity → ${FOLLOWERS} feeds, POST to done: ${fmt(service1)}`);
    console.log(`raw pipelined ZADD into ${FOLLOWERS} keys: ${fmt(raw1)}`);
    console.log(`raw pipelined ZADD+ZREMRANGEBYRANK+PEXPIRE into ${FOLLOWERS} keys: ${fmt(raw3)}`);
    console.log(
      `ratio service / raw (medians): ${(median(service1) / median(raw1)).toFixed(2)}× ZADD, ` +
        `${(median(service1) / median(raw3)).toFixed(2)}× ZADD+trim+expire`,
    );

    for (let i = RUNS + 1; i < FEED_ITEMS; i++) await fanoutOnce(url, redis, keys);
    for (let i = 0; i < 800; i++) await post(url, 'solo', { verb: 'pad' });
    console.log(`feed f0 (listpack): ${await bytesPerEntry(redis, keys.homeFeed('f0'))}`);
    console.log(`feed solo (skiplist): ${await bytesPerEntry(redis, keys.homeFeed('solo'))}`);
    console.log(`raw feed f0: ${await bytesPerEntry(redis, `${prefix}:raw:{p:f0}:feed`)}`);

    const barePort = await freePort();
    const { 'bare-server': bareJs } = transpileBenchFiles(ROOT, ['bare-server']);
    bare = start(process.execPath, [bareJs], {
      PORT: String(barePort),
      REDIS_URL: privateRedis.url,
      BARE_PREFIX: prefix,
    });
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitForHttp(`${bareUrl}/health`, bare);

    const load = (target: string, duration: number) =>
      autocannon({
        url: target,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({
              ...req,
              path: `/v1/players/f${Math.floor(Math.random() * FOLLOWERS)}/feed?limit=20`,
            }),
          },
        ],
      });
    // Warm both, then interleave (service, bare, bare, service) so drift affects both alike.
    await load(url, 2);
    await load(bareUrl, 2);
    const rounds = { service: [] as autocannon.Result[], bare: [] as autocannon.Result[] };
    for (const name of ['service', 'bare', 'bare', 'service'] as const) {
      const startUs = Number(process.hrtime.bigint() / 1000n);
      rounds[name].push(await load(name === 'service' ? url : bareUrl, DURATION / 2));
      const endUs = Number(process.hrtime.bigint() / 1000n);
      // For a CPU profile of the service (SERVICE_NODE_ARGS=--cpu-prof): its read windows.
      if (name === 'service')
        console.log(`service read window (monotonic µs): ${startUs} ${endUs}`);
    }
    const summary = (rs: autocannon.Result[]) => {
      const rps = rs.reduce((n, r) => n + r.requests.average, 0) / rs.length;
      const p99 = Math.max(...rs.map((r) => r.latency.p99));
      const p50 = Math.max(...rs.map((r) => r.latency.p50));
      const bad = rs.reduce((n, r) => n + r.errors + r.non2xx, 0);
      return { rps, p50, p99, bad };
    };
    const [svc, raw] = [summary(rounds.service), summary(rounds.bare)];
    for (const [name, r] of [
      ['service', svc],
      ['bare   ', raw],
    ] as const) {
      console.log(
        `GET feed?limit=20 at ${CONNECTIONS} connections, ${name}: ${Math.round(r.rps)} req/s, ` +
          `p50 ${r.p50} ms, p99 ${r.p99} ms (worst round), errors+non2xx ${r.bad}`,
      );
    }
    console.log(`ratio service / bare: ${(svc.rps / raw.rps).toFixed(2)}× req/s`);
  } finally {
    await stop(service);
    await stop(bare);
    await stop(privateRedis.child);
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
