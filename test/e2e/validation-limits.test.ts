/**
 * API §0 transport rules: body sizes (413), content types (415), query parameters, cursors,
 * unknown routes, and the error envelope, which never shows stacks, Redis texts or key names.
 */
import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import {
  countingCommands,
  startCountingApp,
  expectApiError,
  expectValidationFailed,
} from '../support/api-errors';
import { HttpResponse, TestApp } from '../support/app';

const KiB = 1024;

/** `json` padded with trailing spaces (still valid JSON) to exactly `bytes` bytes. */
function padded(json: unknown, bytes: number): string {
  const text = JSON.stringify(json);
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(bytes);
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
}

describe('transport limits and the error contract (API §0)', () => {
  let app: Awaited<ReturnType<typeof startCountingApp>>;
  let probe: Redis;
  let t: TestApp;

  beforeAll(async () => {
    app = await startCountingApp('validation_limits');
    ({ t, probe } = app);
    expect((await t.http.put('/v1/boards/sized', {})).status).toBe(201);
    expect((await t.http.put('/v1/boards/paged', { periods: ['all', 'daily'] })).status).toBe(201);
    for (let i = 1; i <= 5; i += 1) {
      const res = await t.http.post('/v1/boards/paged/scores', { playerId: `p${i}`, score: i });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await app.close();
  });

  async function rejectedBeforeRedis(
    status: number,
    code: string,
    send: () => Promise<HttpResponse>,
  ) {
    const { res, calls } = await countingCommands(probe, send);
    expectApiError(res, status, code, [t.prefix]);
    expect(calls).toBe(0);
    return res;
  }

  describe('body size', () => {
    const score = { playerId: 'p1', score: 1 };
    const batch = (n: number) => ({
      entries: Array.from({ length: n }, (_, i) => ({ playerId: `b${i}`, score: i })),
    });

    it('accepts a score body of exactly 16 KiB', async () => {
      const res = await t.http.post('/v1/boards/sized/scores', padded(score, 16 * KiB));
      expect(res.status).toBe(200);
    });

    it('answers 413 PAYLOAD_TOO_LARGE one byte over 16 KiB, and far over it', async () => {
      const send = (bytes: number) => () =>
        t.http.post('/v1/boards/sized/scores', padded(score, bytes));
      await rejectedBeforeRedis(413, 'PAYLOAD_TOO_LARGE', send(16 * KiB + 1));
      await rejectedBeforeRedis(413, 'PAYLOAD_TOO_LARGE', send(64 * KiB + 1));
      await rejectedBeforeRedis(413, 'PAYLOAD_TOO_LARGE', send(1024 * KiB));
      const board = padded({ title: 'big' }, 16 * KiB + 1);
      await rejectedBeforeRedis(413, 'PAYLOAD_TOO_LARGE', () =>
        t.http.put('/v1/boards/sized', board),
      );
    });

    it('accepts a batch body of 20 KiB and of exactly 64 KiB', async () => {
      const send = (bytes: number) =>
        t.http.post('/v1/boards/sized/scores/batch', padded(batch(3), bytes));
      const twenty = await send(20 * KiB);
      expect(twenty.status).toBe(200);
      expect(twenty.body.results).toHaveLength(3);
      expect((await send(64 * KiB)).status).toBe(200);
    });

    it('answers 413 for a batch body one byte over 64 KiB', async () => {
      const body = padded(batch(3), 64 * KiB + 1);
      await rejectedBeforeRedis(413, 'PAYLOAD_TOO_LARGE', () =>
        t.http.post('/v1/boards/sized/scores/batch', body),
      );
    });
  });

  describe('content type', () => {
    const json = '{"playerId":"p1","score":1}';
    const send = (type: string) => () =>
      t.http.post('/v1/boards/sized/scores', json, { 'content-type': type });

    it.each([
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'application/x-ndjson',
    ])('answers 415 UNSUPPORTED_MEDIA_TYPE for a %s body on a JSON route', async (type) => {
      await rejectedBeforeRedis(415, 'UNSUPPORTED_MEDIA_TYPE', send(type));
    });

    it('answers 415 for a board body sent as text/plain', async () => {
      await rejectedBeforeRedis(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
        t.http.put('/v1/boards/sized', '{}', { 'content-type': 'text/plain' }),
      );
    });

    it('accepts application/json with a charset parameter', async () => {
      const res = await send('application/json; charset=utf-8')();
      expect(res.status).toBe(200);
    });
  });

  describe('query parameters', () => {
    const invalid = (field: string, path: string) => async () => {
      const { res, calls } = await countingCommands(probe, () => t.http.get(path));
      expectValidationFailed(res, field, [t.prefix]);
      expect(calls).toBe(0);
    };

    it.each(['0', '101', '1000000', '-1', 'abc', '1.5', ''])('rejects limit=%s', async (limit) => {
      await invalid('limit', `/v1/boards/paged/top?limit=${limit}`)();
      await invalid('limit', `/v1/boards?limit=${limit}`)();
    });

    it('accepts limit=1 and limit=100', async () => {
      const one = await t.http.get('/v1/boards/paged/top?limit=1');
      expect(one.body.entries).toEqual([{ rank: 1, playerId: 'p5', score: 5 }]);
      const hundred = await t.http.get('/v1/boards/paged/top?limit=100');
      expect(hundred.body.entries).toHaveLength(5);
    });

    it.each(['51', '-1', 'x'])('rejects radius=%s', async (radius) => {
      await invalid('radius', `/v1/boards/paged/players/p1/around?radius=${radius}`)();
    });

    it.each(['yearly', 'ALL', 'hourly', ''])('rejects period=%s', async (period) => {
      await invalid('period', `/v1/boards/paged/top?period=${period}`)();
      await invalid('period', `/v1/boards/paged/cycles?period=${period}`)();
    });

    it.each(['2026-W48x', 'latest', '*', '2026-11-25:x', '{b:paged}', '26-11-25'])(
      'rejects cycle=%s as not a cycle id',
      async (cycle) => {
        await invalid(
          'cycle',
          `/v1/boards/paged/top?period=daily&cycle=${encodeURIComponent(cycle)}`,
        )();
      },
    );

    it('rejects a well-formed cycle id that is not a real date', async () => {
      const res = await t.http.get('/v1/boards/paged/top?period=daily&cycle=2026-02-30');
      expectValidationFailed(res, 'cycle', [t.prefix]);
    });

    it('rejects a period the board does not have', async () => {
      const res = await t.http.get('/v1/boards/sized/top?period=weekly');
      expectValidationFailed(res, 'period', [t.prefix]);
    });

    it('rejects more than 100 ids in a ranks query', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => `p${i}`).join(',');
      await invalid('playerIds', `/v1/boards/paged/ranks?playerIds=${ids}`)();
    });
  });

  describe('cursors', () => {
    let cursor: string;

    beforeAll(async () => {
      const first = await t.http.get('/v1/boards/paged/top?limit=2');
      expect(first.body.nextCursor).toEqual(expect.any(String));
      cursor = first.body.nextCursor;
      const second = await t.http.get(`/v1/boards/paged/top?limit=2&cursor=${cursor}`);
      expect(second.body.entries.map((e: { rank: number }) => e.rank)).toEqual([3, 4]);
    });

    const rejected = async (c: string, query = '') => {
      const res = await t.http.get(
        `/v1/boards/paged/top?limit=2${query}&cursor=${encodeURIComponent(c)}`,
      );
      expectApiError(res, 400, 'INVALID_CURSOR', [t.prefix]);
    };

    it('rejects garbage cursors', async () => {
      for (const c of ['abc', '.', 'a.b.c', '{}', 'eyJwIjoiYWxsIn0', '%%%']) await rejected(c);
    });

    it('rejects a cursor whose payload was edited', async () => {
      const [body, mac] = cursor.split('.');
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...payload, s: '999' })).toString('base64url');
      await rejected(`${forged}.${mac}`);
      const flipped = body.slice(0, -1) + (body.endsWith('A') ? 'B' : 'A');
      await rejected(`${flipped}.${mac}`);
    });

    it('rejects a cursor whose signature was edited or dropped', async () => {
      const [body, mac] = cursor.split('.');
      await rejected(`${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`);
      await rejected(`${body}.`);
      await rejected(body);
    });

    it('rejects a signed cursor from another list or another period', async () => {
      await t.http.put('/v1/boards/other', {});
      const boards = await t.http.get('/v1/boards?limit=1');
      expect(boards.body.nextCursor).toEqual(expect.any(String));
      await rejected(boards.body.nextCursor);
      await rejected(cursor, '&period=daily');
    });
  });

  describe('unknown routes and methods', () => {
    it.each([
      ['GET', '/v1/nothing-here'],
      ['GET', '/v2/boards/paged/top'],
      ['POST', '/v1/boards/paged/unknown'],
      ['PATCH', '/v1/boards/paged'],
      ['GET', '/'],
    ])('answers %s %s with 404 in the error format', async (method, path) => {
      const res = await t.http.request(method, path, method === 'GET' ? undefined : {});
      expectApiError(res, 404, 'NOT_FOUND', [t.prefix]);
    });
  });

  describe('the error envelope', () => {
    it('shows neither Redis error texts nor key names when Redis rejects a command', async () => {
      const key = new Keys(t.prefix).boardConfig('broken');
      await probe.set(key, 'not a hash');
      for (const res of [
        await t.http.get('/v1/boards/broken'),
        await t.http.get('/v1/boards/broken/top'),
        await t.http.post('/v1/boards/broken/scores', { playerId: 'p1', score: 1 }),
      ]) {
        expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
        expect(res.status).toBe(500);
        expect(res.text).not.toContain(t.prefix);
        expect(res.text).not.toMatch(/WRONGTYPE|broken}|cfg/);
      }
      await probe.del(key);
    });

    it('names neither the key prefix nor the hash tag in a not-found answer', async () => {
      const res = await t.http.get('/v1/boards/missing/top');
      expect(res.body).toEqual({
        error: { code: 'BOARD_NOT_FOUND', message: expect.any(String) },
      });
      expectApiError(res, 404, 'BOARD_NOT_FOUND', [t.prefix]);
    });
  });
});
