/**
 * Helpers for tests that take Redis away from a booted app: a timed request and the checks every
 * 503 STORE_UNAVAILABLE answer must pass (API §0: Retry-After, outcome, no Redis error text).
 */
import { Redis } from 'ioredis';
import type { HttpResponse, TestApp } from './app';

/** Generous bound that only catches a request hanging on Redis' reconnect backoff. */
export const HANG_GUARD_MS = 3000;

export interface Timed<T> {
  res: HttpResponse<T>;
  ms: number;
}

export async function timed<T = any>(request: Promise<HttpResponse<T>>): Promise<Timed<T>> {
  const started = Date.now();
  const res = await request;
  return { res, ms: Date.now() - started };
}

/** Words of ioredis / Redis error messages that must never reach a client. */
const REDIS_ERROR_TEXT =
  /redis|stream|writeable|econn|etimedout|offline|timed out|connection|noscript|loading|clusterdown/i;

export function expectStoreUnavailable(
  { res, ms }: Timed<any>,
  outcomes: Array<'not_applied' | 'unknown'>,
): void {
  expect(ms).toBeLessThan(HANG_GUARD_MS);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.body.error.code).toBe('STORE_UNAVAILABLE');
  expect(outcomes).toContain(res.body.error.details.outcome);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(Object.keys(res.body.error.details)).toEqual(['outcome']);
  expect(res.text).not.toMatch(REDIS_ERROR_TEXT);
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls /health/ready until it answers 200; fails after `withinMs`. */
export async function waitUntilReady(t: TestApp, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await t.http.get('/health/ready')).status;
    if (last === 200) return;
    await sleep(100);
  }
  throw new Error(`/health/ready still answered ${last} after ${withinMs} ms`);
}

/** A side connection to the app's Redis, for CLIENT PAUSE and SCRIPT FLUSH. */
export function adminConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
}
