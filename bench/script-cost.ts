/**
 * Redis time per call of the score-submission script (submit-score.lua), single submissions on a
 * one-period board, measured by Redis itself (INFO commandstats usec_per_call) on a private
 * redis-server. Compares builds: `npm run build`, then
 *   node -r ts-node/register/transpile-only bench/script-cost.ts [dist] [other dist ...]
 * (default `dist`; another build placed inside the repository finds node_modules). Each build is
 * measured five times, alternating, on a flushed server: 2,000 warm-up calls, then 20,000 calls,
 * 100 in flight. The first round of all is discarded (the load generator still compiling competes
 * with Redis for the 2 cores); the median of the others is printed with them.
 */
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { startPrivateRedis, stop } from './processes';

const ROOT = resolve(__dirname, '..');
const WARMUP = 2000;
const CALLS = 20_000;
const IN_FLIGHT = 100;
const ROUNDS = 5;

async function usecPerCall(dist: string, url: string): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { defineScripts } = require(resolve(dist, 'redis/scripts.js'));
  const { Keys } = require(resolve(dist, 'redis/keys.js'));
  const { LeaderboardsRepository } = require(
    resolve(dist, 'leaderboards/leaderboards.repository.js'),
  );
  /* eslint-enable @typescript-eslint/no-require-imports */
  const redis = new Redis(url);
  defineScripts(redis);
  const keys = new Keys('scriptcost');
  const repo = new LeaderboardsRepository(redis, keys);
  const board = { boardId: 'b', retain: 7 };
  await redis.hset(keys.boardConfig('b'), { order: 'desc', update: 'latest', ties: 'shared' });
  const targets = [{ period: 'all', cycle: 'all', startsAtMs: 0, ttlMs: 0 }];
  const submit = (i: number): Promise<unknown> =>
    repo.submit({
      board,
      playerId: `p${i % 200}`,
      score: String(i % 1000),
      metadata: '',
      targets,
      idempotency: null,
      mode: 'submit',
    });
  const run = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += IN_FLIGHT)
      await Promise.all(Array.from({ length: IN_FLIGHT }, (_, k) => submit(i + k)));
  };
  await run(WARMUP);
  await redis.config('RESETSTAT');
  await run(CALLS);
  const stats = /cmdstat_evalsha:.*usec_per_call=([\d.]+)/.exec(await redis.info('commandstats'));
  await redis.flushall();
  redis.disconnect();
  return Number(stats?.[1]);
}

async function main(): Promise<void> {
  const dists = (process.argv.length > 2 ? process.argv.slice(2) : ['dist']).map((d) =>
    resolve(ROOT, d),
  );
  const server = await startPrivateRedis();
  try {
    const results = new Map<string, number[]>(dists.map((d) => [d, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const d of dists) results.get(d)?.push(await usecPerCall(d, server.url));
    }
    for (const [d, all] of results) {
      const us = all.slice(1);
      const median = [...us].sort((a, b) => a - b)[Math.floor(us.length / 2)];
      const each = us.map((u) => u.toFixed(1)).join(' / ');
      console.log(`${d}: submit-score.lua median ${median.toFixed(1)} µs per call (${each})`);
    }
  } finally {
    await stop(server.child);
  }
}

void main();
