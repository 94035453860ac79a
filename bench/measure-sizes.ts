/**
 * Measures Redis bytes per board entry and per idempotency record through the real app (README
 * "Operations" → Sizing). Starts a private redis-server, boots the app, writes through the HTTP
 * API, then reads MEMORY USAGE <key> SAMPLES 0 (every nested value counted).
 *
 *   node -r ts-node/register/transpile-only bench/measure-sizes.ts
 */
import { Redis } from 'ioredis';
import { createApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { startPrivateRedis } from '../test/support/redis-harness';

const usage = async (r: Redis, key: string): Promise<number> =>
  Number(await r.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const r = new Redis(redis.url);
  const config = AppConfig.fromEnv({
    REDIS_URL: redis.url,
    LOG_LEVEL: 'silent',
    RANKFEED_EMBEDDED_REDIS: 'never',
    REDIS_COMMAND_TIMEOUT_MS: '30000',
    RATE_LIMIT_ENABLED: 'false',
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const call = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  const pid = (i: number) => `player-${String(i).padStart(6, '0')}`;
  try {
    for (const [board, ties, count] of [
      ['s10k', 'shared', 10_000],
      ['s100k', 'shared', 100_000],
      ['f100k', 'first', 100_000],
    ] as const) {
      await call('PUT', `/v1/boards/${board}`, { ties, capacity: 1_000_000 });
      for (let i = 0; i < count; i += 1000) {
        const entries = Array.from({ length: 1000 }, (_, j) => ({
          playerId: pid(i + j),
          score: (i + j) * 7,
        }));
        await call('POST', `/v1/boards/${board}/scores/batch`, { entries });
      }
      const z = await usage(r, `rf:{b:${board}}:z:all:all`);
      const e = (await r.exists(`rf:{b:${board}}:e:all:all`))
        ? await usage(r, `rf:{b:${board}}:e:all:all`)
        : 0;
      const n = await r.zcard(`rf:{b:${board}}:z:all:all`);
      console.log(
        `${board} ties=${ties}: ${n} entries; zset ${z} B (${(z / n).toFixed(1)} B/entry); entries hash ${e} B (${(e / n).toFixed(1)} B/entry)`,
      );
    }
    console.log(
      `player index set (1 board): ${await usage(r, `rf:{p:${pid(1)}}:boards`)} B per player`,
    );
    for (const [board, periods] of [
      ['i1', ['all']],
      ['i4', ['all', 'daily', 'weekly', 'monthly']],
    ] as const) {
      await call('PUT', `/v1/boards/${board}`, { periods });
      for (let i = 0; i < 1000; i += 1) {
        await call(
          'POST',
          `/v1/boards/${board}/scores`,
          { playerId: pid(i), score: i },
          { 'idempotency-key': `req-${i}-0123456789abcdef` },
        );
      }
      let total = 0;
      let keys = 0;
      let cursor = '0';
      do {
        const [next, found] = await r.scan(
          cursor,
          'MATCH',
          `rf:{b:${board}}:idem:*`,
          'COUNT',
          1000,
        );
        cursor = next;
        for (const key of found) total += await usage(r, key);
        keys += found.length;
      } while (cursor !== '0');
      console.log(
        `idempotency record, ${periods.length} period(s): ${(total / keys).toFixed(1)} B (mean of ${keys})`,
      );
    }
    const info = await r.info('server');
    console.log(/redis_version:\S+/.exec(info)?.[0]);
  } finally {
    await app.close();
    await r.quit();
    await redis.stop();
  }
}

void main();
