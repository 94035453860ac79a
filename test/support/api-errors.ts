/**
 * The error contract of API §0 (`{error: {code, message, details?}}`, nothing else) and a probe
 * that proves a request reached no Redis at all: the server's own command counters.
 */
import { Redis } from 'ioredis';
import { HttpResponse, startApp, TestApp } from './app';
import { startPrivateRedis } from './redis-harness';

const LEAKS = [/\bat \S+ \(/, /\.ts:\d+/, /stack/i, /ReplyError|WRONGTYPE|NOSCRIPT|ERR /, /\{b:/];

/** Asserts status, code and the exact envelope; `leak` strings (key prefixes, secrets) never appear. */
export function expectApiError(
  res: HttpResponse,
  status: number,
  code: string,
  leak: string[] = [],
): { code: string; message: string; details?: unknown } {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  const error = res.body.error as Record<string, unknown>;
  const keys = Object.keys(error).sort();
  expect(keys).toEqual(
    error.details === undefined ? ['code', 'message'] : ['code', 'details', 'message'],
  );
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
  for (const pattern of LEAKS) expect(res.text).not.toMatch(pattern);
  for (const secret of leak) expect(res.text).not.toContain(secret);
  return res.body.error;
}

/** 400 VALIDATION_FAILED whose details are `[{field, reason}]` and name `field`. */
export function expectValidationFailed(
  res: HttpResponse,
  field: string,
  leak: string[] = [],
): void {
  const error = expectApiError(res, 400, 'VALIDATION_FAILED', leak);
  expect(Array.isArray(error.details)).toBe(true);
  const details = error.details as Array<Record<string, unknown>>;
  expect(details.length).toBeGreaterThan(0);
  for (const d of details) {
    expect(Object.keys(d).sort()).toEqual(['field', 'reason']);
    expect(typeof d.reason).toBe('string');
  }
  expect(details.map((d) => d.field)).toContain(field);
}

/** Total calls of every command the server has run, except the INFO calls of this probe. */
export async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const line of info.split('\r\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match && match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}

/**
 * Waits until the server's command count holds still for longer than a live tick, so the
 * asynchronous tail of earlier writes (board activities, the live dirty publish that follows a
 * submission's answer) is not counted with a later request.
 */
export async function quiesce(redis: Redis): Promise<void> {
  let last = await commandCalls(redis);
  for (let i = 0; i < 50; i += 1) {
    await new Promise((done) => setTimeout(done, 150));
    const now = await commandCalls(redis);
    if (now === last) return;
    last = now;
  }
  throw new Error('Redis never went quiet');
}

/** Runs `send` (once Redis is quiet) and returns its response and the Redis commands it caused. */
export async function countingCommands(
  redis: Redis,
  send: () => Promise<HttpResponse>,
): Promise<{ res: HttpResponse; calls: number }> {
  await quiesce(redis);
  const before = await commandCalls(redis);
  const res = await send();
  const calls = (await commandCalls(redis)) - before;
  return { res, calls };
}

/**
 * Settings of an app whose Redis commands a test counts: only the requests' own commands run.
 * No fan-out worker (it polls), no background sampling of INFO, CONFIG and the fan-out backlog
 * after the start (it runs on every instance), no rate limits (they charge a request, one script
 * on the caller's own key, before its input is validated).
 */
export const COUNTING_APP_ENV = {
  FEED_FANOUT_WORKER: 'false',
  RATE_LIMIT_ENABLED: 'false',
  REDIS_INFO_INTERVAL_MS: '3600000',
} as const;

/**
 * The app on its own private redis-server, so INFO commandstats count only this app's commands,
 * and a probe connection to read them; settings as COUNTING_APP_ENV.
 */
export async function startCountingApp(
  name: string,
): Promise<{ t: TestApp; probe: Redis; close(): Promise<void> }> {
  const redis = await startPrivateRedis();
  const probe = new Redis(redis.url);
  const t = await startApp({ name, env: { REDIS_URL: redis.url, ...COUNTING_APP_ENV } });
  return {
    t,
    probe,
    async close() {
      await t.close();
      await probe.quit();
      await redis.stop();
    },
  };
}

/** Ids API §0 forbids that validation.test.ts sends everywhere (hostile-input adds the rest). */
export const FORBIDDEN_IDS: Array<[string, string]> = [
  ['an opening brace', 'a{b'],
  ['a closing brace', 'a}b'],
  ['a colon', 'a:b'],
  ['an asterisk', 'a*'],
  ['a space', 'a b'],
  ['65 characters', 'x'.repeat(65)],
  ['non-ASCII letters', 'joué'],
];
