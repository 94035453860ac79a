/**
 * Read sliding windows (API §6, §9): exact (a sorted set of hit times on Redis' clock), per player
 * token for all its requests, per client IP for requests without credentials.
 */
import { expectApiError } from '../support/api-errors';
import { Http, HttpResponse, startApp, TestApp } from '../support/app';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - Date.now()));
const remaining = (res: HttpResponse): string | null => res.headers.get('ratelimit-remaining');

describe('read sliding window per client IP', () => {
  const WINDOW_MS = 6000;
  let t: TestApp;
  const read = () => t.http.get('/v1/boards/rd/top');
  const reads = async (n: number): Promise<HttpResponse[]> => {
    const out: HttpResponse[] = [];
    for (let i = 0; i < n; i++) out.push(await read());
    return out;
  };

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_reads',
      env: { RATE_LIMIT_READ_MAX: '10', RATE_LIMIT_READ_WINDOW_MS: String(WINDOW_MS) },
    });
    expect((await t.http.put('/v1/boards/rd', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is exact across a window boundary: hits leave the window one by one, as they age out', async () => {
    // A: 4 hits. B, 2 s later: 6 hits fill the window. C, once A has aged out but none of B
    // (a second of margin on each side): exactly A's 4 places are free again.
    const first = await reads(4);
    const aEnd = Date.now();
    expect(first.map((r) => [r.status, remaining(r)])).toEqual([
      [200, '9'],
      [200, '8'],
      [200, '7'],
      [200, '6'],
    ]);
    expect(first[0].headers.get('ratelimit-limit')).toBe('10');
    expect(Number(first[0].headers.get('ratelimit-reset'))).toBe(WINDOW_MS / 1000);

    await sleepUntil(aEnd + 2000);
    const bStart = Date.now();
    const second = await reads(6);
    expect(second.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(remaining(second[5])).toBe('0');
    const full = await read();
    expectApiError(full, 429, 'RATE_LIMITED');
    expect(remaining(full)).toBe('0');
    // The oldest hit (from A) leaves the window about 4 s from now.
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(full.headers.get('retry-after'))).toBeLessThanOrEqual(4);

    await sleepUntil(aEnd + WINDOW_MS + 1000);
    const third = await reads(5);
    expect(Date.now()).toBeLessThan(bStart + WINDOW_MS); // still inside B's window: a valid run
    expect(third.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(third.map(remaining)).toEqual(['3', '2', '1', '0', '0']);
  });
});

describe('read sliding window per player token', () => {
  const SESSIONS_KEY = 'rl-sessions-secret';
  let t: TestApp;
  let player: Http;

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_players',
      env: {
        RANKFEED_API_KEYS: `${SESSIONS_KEY}=admin`,
        RATE_LIMIT_READ_MAX: '3',
        RATE_LIMIT_READ_WINDOW_MS: '600000',
      },
    });
    const admin = t.http.withHeaders({ 'x-api-key': SESSIONS_KEY });
    expect((await admin.put('/v1/players/pp', { displayName: 'P' })).status).toBe(201);
    const session = await admin.post('/v1/sessions', { playerId: 'pp' });
    expect(session.status).toBe(201);
    player = t.http.withHeaders({ authorization: `Bearer ${session.body.token}` });
  });
  afterAll(async () => {
    await t.close();
  });

  it("charges a player's reads and writes to one window, shared by all its sessions", async () => {
    const results = [
      await player.get('/v1/players/pp'),
      await player.post('/v1/sessions/refresh', {}),
      await player.get('/v1/players/pp'),
      await player.get('/v1/players/pp'),
    ];
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(results.map(remaining)).toEqual(['2', '1', '0', '0']);
    expect(results[3].headers.get('ratelimit-limit')).toBe('3');

    const admin = t.http.withHeaders({ 'x-api-key': SESSIONS_KEY });
    const another = await admin.post('/v1/sessions', { playerId: 'pp' });
    const sameWindow = await t.http.get('/v1/players/pp', {
      authorization: `Bearer ${another.body.token}`,
    });
    expectApiError(sameWindow, 429, 'RATE_LIMITED', [another.body.token]);
    // The API key that minted the sessions is not limited by the player's window.
    expect((await admin.get('/v1/players/pp')).status).toBe(200);
  });
});

describe('refused credentials are charged to the address', () => {
  const KEY = 'guess-me-if-you-can';
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_guessing',
      env: {
        RANKFEED_API_KEYS: `${KEY}=read`,
        RATE_LIMIT_READ_MAX: '3',
        RATE_LIMIT_READ_WINDOW_MS: '600000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 to wrong keys and tokens until the window is full, then 429; a valid key still works', async () => {
    const guesses: Array<Record<string, string>> = [
      { 'x-api-key': 'guess-me-if-you-cam' },
      { authorization: `Bearer rfs_${'A'.repeat(43)}` },
      { 'x-api-key': 'guess' },
    ];
    for (const headers of guesses) {
      expectApiError(await t.http.get('/v1/boards', headers), 401, 'UNAUTHENTICATED');
    }
    const refused = await t.http.get('/v1/boards', { 'x-api-key': 'guess-me-if-you-caN' });
    expectApiError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.http.get('/v1/boards', { 'x-api-key': KEY })).status).toBe(200);
  });
});
