/**
 * Write token buckets (API §6, §9): one bucket per (API key, the scope the route needs), in Redis
 * on Redis' clock; per client IP in open mode. Every charged response carries RateLimit-*; a
 * refusal is 429 RATE_LIMITED with Retry-After.
 */
import { expectApiError } from '../support/api-errors';
import { Http, HttpResponse, startApp, TestApp } from '../support/app';
import { scrapedValue } from '../support/prometheus-text';

const WRITER = 'rl-writer-secret';
const OTHER = 'rl-other-secret';
const API_KEYS = `${WRITER}=scores.write+boards.admin+players.write+read,${OTHER}=scores.write`;

function rateHeaders(res: HttpResponse): Record<string, string | null> {
  return {
    limit: res.headers.get('ratelimit-limit'),
    remaining: res.headers.get('ratelimit-remaining'),
    reset: res.headers.get('ratelimit-reset'),
    retryAfter: res.headers.get('retry-after'),
  };
}

const refusals = (t: TestApp, limiter: string): Promise<number> =>
  scrapedValue(t.http, 'rankfeed_rate_limit_refusals_total', { limiter });

describe('write token buckets per API key and scope', () => {
  let t: TestApp;
  const as = (key: string): Http => t.http.withHeaders({ 'x-api-key': key });
  const submit = (key: string, playerId: string) =>
    as(key).post('/v1/boards/burst/scores', { playerId, score: 1 });

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_writes',
      env: {
        RANKFEED_API_KEYS: API_KEYS,
        RATE_LIMIT_WRITE_BURST: '100',
        RATE_LIMIT_WRITE_RATE: '1',
        // Tiny rates (one token per 1,000 s), so a slow machine cannot refill during the test.
        RATE_LIMIT_SCOPES: 'scores.write=100:0.001,players.write=3:0.001',
      },
    });
    expect((await as(WRITER).put('/v1/boards/burst', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('admits exactly the capacity of a burst of 200 concurrent submissions, then answers 429', async () => {
    const before = await refusals(t, 'write');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => submit(WRITER, `p${i}`)),
    );
    const admitted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect([admitted.length, refused.length]).toEqual([100, 100]);
    expect(
      admitted.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const r of admitted) {
      expect(rateHeaders(r)).toMatchObject({ limit: '100', retryAfter: null });
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    for (const r of refused) {
      expectApiError(r, 429, 'RATE_LIMITED', [WRITER, t.prefix]);
      // An empty bucket refilling one token per 1,000 s (a little of it refilled meanwhile).
      expect(rateHeaders(r)).toMatchObject({ limit: '100', remaining: '0' });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(900);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(1000);
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(99_000);
      expect(Number(r.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(100_000);
    }
    const board = await as(WRITER).get('/v1/boards/burst/top?limit=100');
    expect(board.body.entries).toHaveLength(100);
    expect(await refusals(t, 'write')).toBe(before + 100);
  });

  it('keeps a bucket per key: another key still has its whole capacity', async () => {
    const res = await submit(OTHER, 'q1');
    expect(res.status).toBe(200);
    expect(rateHeaders(res)).toMatchObject({ limit: '100', remaining: '99' });
  });

  it('keeps a bucket per scope, with the per-scope override where one is configured', async () => {
    const profiles = [];
    for (let i = 0; i < 4; i++) {
      profiles.push(await as(WRITER).put(`/v1/players/pl${i}`, { displayName: `P${i}` }));
    }
    expect(profiles.map((r) => r.status)).toEqual([201, 201, 201, 429]);
    expect(profiles.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(profiles[3].headers.get('ratelimit-limit')).toBe('3');
    // boards.admin has no override: the default bucket (100, 1 per second), untouched so far
    // but for the board created in beforeAll.
    const board = await as(WRITER).put('/v1/boards/other', {});
    expect(board.status).toBe(201);
    expect(rateHeaders(board)).toMatchObject({ limit: '100', retryAfter: null });
    expect(Number(board.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(98);
  });

  it('does not limit the reads of an API key, nor routes without a scope', async () => {
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => as(WRITER).get('/v1/boards/burst/top')),
    );
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-limit')).toBeNull();
    }
    const health = await t.http.get('/health/live');
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit-limit')).toBeNull();
  });

  it('charges nothing for a request the auth guard refuses', async () => {
    const res = await t.http.post('/v1/boards/burst/scores', { playerId: 'x', score: 1 });
    expectApiError(res, 401, 'UNAUTHENTICATED');
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('write token buckets per client IP in open mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_writes_open',
      env: { RATE_LIMIT_SCOPES: 'scores.write=2:0.001' },
    });
    expect((await t.http.put('/v1/boards/open', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('buckets the writes of a client without credentials by its address', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await t.http.post('/v1/boards/open/scores', { playerId: `o${i}`, score: 1 })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
