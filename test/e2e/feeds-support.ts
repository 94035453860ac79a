/** Helpers of the feeds and activities e2e tests: posting, following, polling feeds. */
import type { Redis } from 'ioredis';
import type { Keys } from '../../src/redis/keys';
import type { TestApp } from '../support/app';

export interface ActivityBody {
  id: string;
  actor: string;
  verb: string;
  object: string | null;
  target: string | null;
  time: string;
  data: Record<string, unknown> | null;
}

export async function post(
  t: TestApp,
  actor: string,
  body: Record<string, unknown>,
): Promise<ActivityBody> {
  const res = await t.http.post(`/v1/players/${actor}/activities`, body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`post ${res.status} ${res.text}`);
  return res.body as ActivityBody;
}

/** Follows through the API, `concurrency` requests at a time. */
export async function followAll(
  t: TestApp,
  followers: string[],
  target: string,
  concurrency = 50,
): Promise<void> {
  for (let i = 0; i < followers.length; i += concurrency) {
    const chunk = followers.slice(i, i + concurrency);
    const codes = await Promise.all(
      chunk.map(async (f) => (await t.http.put(`/v1/players/${f}/following/${target}`)).status),
    );
    if (codes.some((c) => c !== 204)) throw new Error(`follow failed: ${codes.join(',')}`);
  }
}

/**
 * Makes `followers` follow `author` straight in Redis (both sides, as the social module writes
 * them): for fan-out tests that need thousands of followers, which the follow API (covered by the
 * social tests) would only slow down.
 */
export async function seedFollowers(
  redis: Redis,
  keys: Keys,
  author: string,
  followers: string[],
): Promise<void> {
  const seed = redis.pipeline();
  seed.sadd(keys.followers(author), ...followers);
  for (const f of followers) seed.sadd(keys.following(f), author);
  await seed.exec();
}

/** Every page of a list, following nextCursor. */
export async function readAll(t: TestApp, path: string, limit = 100): Promise<ActivityBody[]> {
  const out: ActivityBody[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await t.http.get(`${path}${sep}limit=${limit}${q}`);
    if (res.status !== 200) throw new Error(`GET ${path} ${res.status} ${res.text}`);
    out.push(...(res.body.activities as ActivityBody[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return out;
}

/** Polls `probe` until it returns true (each poll is a real read; no timing assertion). */
export async function eventually(probe: () => Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error('condition not reached');
}

export const ids = (list: { id: string }[]): string[] => list.map((a) => a.id);

/** The API's order: newest time first, then greater id first. */
export function newestFirst<T extends { time: string; id: string }>(list: T[]): T[] {
  return [...list].sort((a, b) =>
    a.time === b.time ? (a.id < b.id ? 1 : -1) : a.time < b.time ? 1 : -1,
  );
}
