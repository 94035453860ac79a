/**
 * API keys (API §6): X-API-Key resolves to scopes, `admin` implies all, no or a wrong key → 401,
 * a missing scope → 403. Without keys the service runs open; in production it refuses to start.
 */
import { Redis } from 'ioredis';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { expectApiError } from '../support/api-errors';
import { Http, startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const WRITER = 'writer-secret-1';
const READER = 'reader-secret-1';
const ADMIN = 'admin-secret-1';
const BOARDS = 'boards-secret-1';
const API_KEYS = `${WRITER}=scores.write+read,${READER}=read,${ADMIN}=admin,${BOARDS}=boards.admin`;
const SECRETS = [WRITER, READER, ADMIN, BOARDS];
const CURSOR_SECRET = 'cursor-secret-for-tests';

describe('API keys', () => {
  let t: TestApp;
  const as = (key: string): Http => t.http.withHeaders({ 'x-api-key': key });

  beforeAll(async () => {
    t = await startApp({ name: 'auth', env: { RANKFEED_API_KEYS: API_KEYS } });
    expect((await as(ADMIN).put('/v1/boards/keyed', {})).status).toBe(201);
    const seeded = await as(ADMIN).post('/v1/boards/keyed/scores', { playerId: 'p1', score: 10 });
    expect(seeded.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const leak = () => [...SECRETS, t.prefix];

  /** Every protected route, with a body that would be valid (rows of one length for it.each). */
  const ROUTES: Array<[string, string, unknown]> = [
    ['GET', '/v1/boards', undefined],
    ['PUT', '/v1/boards/keyed', {}],
    ['DELETE', '/v1/boards/keyed', undefined],
    ['GET', '/v1/boards/keyed', undefined],
    ['GET', '/v1/boards/keyed/cycles', undefined],
    ['GET', '/v1/boards/keyed/top', undefined],
    ['GET', '/v1/boards/keyed/players/p1', undefined],
    ['GET', '/v1/boards/keyed/players/p1/around', undefined],
    ['GET', '/v1/boards/keyed/ranks?playerIds=p1', undefined],
    ['GET', '/v1/boards/keyed/export', undefined],
    ['POST', '/v1/boards/keyed/scores', { playerId: 'p1', score: 99 }],
    ['POST', '/v1/boards/keyed/scores/batch', { entries: [{ playerId: 'p1', score: 99 }] }],
    ['DELETE', '/v1/boards/keyed/players/p1', undefined],
    ['PUT', '/v1/players/p1', { displayName: 'Eve' }],
    ['GET', '/v1/players/p1', undefined],
    ['DELETE', '/v1/players/p1', undefined],
  ];

  async function expectUnchanged(): Promise<void> {
    const res = await as(READER).get('/v1/boards/keyed/players/p1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rank: 1, score: 10, total: 1 });
  }

  it.each(ROUTES)(
    'answers 401 UNAUTHENTICATED to %s %s without a key',
    async (method, path, body) => {
      const res = await t.http.request(method, path, body);
      expectApiError(res, 401, 'UNAUTHENTICATED', leak());
    },
  );

  it.each([
    ['an empty key', ''],
    ['a wrong key of the same length as a real one', 'writer-secret-2'],
    ['a real key with one more character', `${ADMIN}x`],
    ['a prefix of a real key', ADMIN.slice(0, 8)],
    ['a short wrong key', 'nope'],
    ['a long wrong key', 'k'.repeat(4096)],
    ['a real key in other case', ADMIN.toUpperCase()],
  ])('answers 401 to %s, on reads and writes alike', async (_label, key) => {
    for (const [method, path, body] of ROUTES) {
      const res = await as(key).request(method, path, body);
      expectApiError(res, 401, 'UNAUTHENTICATED', [...leak(), ...(key.length > 0 ? [key] : [])]);
    }
    await expectUnchanged();
  });

  it('answers 403 FORBIDDEN to a reader on every write route', async () => {
    for (const [method, path, body] of ROUTES.filter(([m]) => m !== 'GET')) {
      const res = await as(READER).request(method, path, body);
      expectApiError(res, 403, 'FORBIDDEN', leak());
    }
    await expectUnchanged();
  });

  it('lets a reader read everything readable', async () => {
    for (const [method, path] of ROUTES.filter(([m]) => m === 'GET')) {
      const res = await as(READER).request(method, path);
      expect({ path, status: res.status }).toEqual({
        path,
        status: path === '/v1/players/p1' ? 404 : 200,
      });
    }
  });

  it('lets a writer submit and read scores but not create boards or profiles', async () => {
    const created = await as(WRITER).put('/v1/boards/writers-board', {});
    expectApiError(created, 403, 'FORBIDDEN', leak());
    const profile = await as(WRITER).put('/v1/players/p1', { displayName: 'Eve' });
    expectApiError(profile, 403, 'FORBIDDEN', leak());
    const deleted = await as(WRITER).delete('/v1/boards/keyed');
    expectApiError(deleted, 403, 'FORBIDDEN', leak());
    expectApiError(await as(READER).get('/v1/boards/writers-board'), 404, 'BOARD_NOT_FOUND');

    const submitted = await as(WRITER).post('/v1/boards/keyed/scores', {
      playerId: 'w1',
      score: 5,
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.periods.all).toMatchObject({ rank: 2, score: 5 });
    const top = await as(WRITER).get('/v1/boards/keyed/top');
    expect(top.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual(['p1', 'w1']);
    expect((await as(WRITER).delete('/v1/boards/keyed/players/w1')).status).toBe(204);
  });

  it('lets boards.admin manage boards but neither submit scores nor read them', async () => {
    expect((await as(BOARDS).put('/v1/boards/managed', { title: 'Managed' })).status).toBe(201);
    expect((await as(BOARDS).put('/v1/boards/managed', { title: 'Renamed' })).status).toBe(200);
    const submit = await as(BOARDS).post('/v1/boards/managed/scores', { playerId: 'p1', score: 1 });
    expectApiError(submit, 403, 'FORBIDDEN', leak());
    expectApiError(await as(BOARDS).get('/v1/boards/managed/top'), 403, 'FORBIDDEN', leak());
    expect((await as(BOARDS).delete('/v1/boards/managed')).status).toBe(204);
    expectApiError(await as(READER).get('/v1/boards/managed'), 404, 'BOARD_NOT_FOUND');
  });

  it('lets admin do everything: boards, scores, profiles, reads and import', async () => {
    const admin = as(ADMIN);
    expect((await admin.put('/v1/boards/admins', {})).status).toBe(201);
    expect(
      (await admin.post('/v1/boards/admins/scores', { playerId: 'a1', score: 3 })).status,
    ).toBe(200);
    const batch = await admin.post('/v1/boards/admins/scores/batch', {
      entries: [{ playerId: 'a2', score: 4 }],
    });
    expect(batch.status).toBe(200);
    expect((await admin.put('/v1/players/a1', { displayName: 'Ada' })).status).toBe(201);
    const ndjson = `${JSON.stringify({ playerId: 'a3', score: 7 })}\n`;
    const imported = await admin.post('/v1/boards/admins/import', ndjson, {
      'content-type': 'application/x-ndjson',
    });
    expect(imported.body).toEqual({ imported: 1 });
    const top = await admin.get('/v1/boards/admins/top');
    expect(top.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'a3',
      'a2',
      'a1',
    ]);
    expect((await admin.get('/v1/boards')).status).toBe(200);
    expect((await admin.delete('/v1/players/a1')).status).toBe(204);
    expect((await admin.delete('/v1/boards/admins')).status).toBe(204);
  });

  it('keeps import to admin, even for a key that may write scores', async () => {
    const ndjson = `${JSON.stringify({ playerId: 'x1', score: 1 })}\n`;
    const res = await as(WRITER).post('/v1/boards/keyed/import', ndjson, {
      'content-type': 'application/x-ndjson',
    });
    expectApiError(res, 403, 'FORBIDDEN', leak());
    await expectUnchanged();
  });
});

describe('open mode and production', () => {
  let redis: PrivateRedis;
  let probe: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    probe = new Redis(redis.url);
  });
  afterAll(async () => {
    await probe.quit();
    await redis.stop();
  });

  const config = (env: Record<string, string>) =>
    AppConfig.fromEnv({
      REDIS_URL: redis.url,
      RANKFEED_EMBEDDED_REDIS: 'never',
      LOG_LEVEL: 'silent',
      ...env,
    });

  it('allows every request without a key when no keys are configured', async () => {
    const t = await startApp({ name: 'auth_open', env: { REDIS_URL: redis.url } });
    try {
      expect((await t.http.put('/v1/boards/open', {})).status).toBe(201);
      expect(
        (await t.http.post('/v1/boards/open/scores', { playerId: 'p1', score: 2 })).status,
      ).toBe(200);
      expect((await t.http.get('/v1/boards/open/top')).body.entries).toEqual([
        { rank: 1, playerId: 'p1', score: 2 },
      ]);
      expect((await t.http.get('/v1/boards')).body.boards).toHaveLength(1);
      const withAnyKey = t.http.withHeaders({ 'x-api-key': 'whatever-it-is' });
      expect((await withAnyKey.get('/v1/boards/open/players/p1')).body.score).toBe(2);
      expect((await t.http.delete('/v1/boards/open')).status).toBe(204);
    } finally {
      await t.close();
    }
  });

  it('refuses to start with NODE_ENV=production and no keys, leaving no connection open', async () => {
    await expect(
      createApp(config({ NODE_ENV: 'production', RANKFEED_CURSOR_SECRET: CURSOR_SECRET })),
    ).rejects.toThrow(/NODE_ENV=production/);
    const clients = (await probe.client('LIST')) as string;
    expect(clients.split('\n').filter((line) => line.includes('name=rankfeed'))).toEqual([]);
  });

  it('starts with NODE_ENV=production when keys are configured', async () => {
    const app = await createApp(
      config({
        NODE_ENV: 'production',
        RANKFEED_API_KEYS: API_KEYS,
        RANKFEED_CURSOR_SECRET: CURSOR_SECRET,
      }),
    );
    await app.close();
  });

  it('refuses NODE_ENV=production without RANKFEED_CURSOR_SECRET, naming it', () => {
    expect(() => config({ NODE_ENV: 'production', RANKFEED_API_KEYS: API_KEYS })).toThrow(
      /RANKFEED_CURSOR_SECRET \(unset\): .*is required with NODE_ENV=production/,
    );
  });

  it('refuses bad key entries at start, naming the entry but never the secret', async () => {
    const bad = 'good-secret-1=read,another-secret=read+superuser';
    await expect(createApp(config({ RANKFEED_API_KEYS: bad }))).rejects.toThrow(
      /RANKFEED_API_KEYS: entry 2 has unknown scope\(s\) superuser/,
    );
    await expect(createApp(config({ RANKFEED_API_KEYS: bad }))).rejects.not.toThrow(
      /another-secret|good-secret/,
    );
  });
});
