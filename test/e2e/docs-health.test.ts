/**
 * Probes and docs (API §8): /health/live, /health/ready, /docs and /docs/openapi.json answer
 * without credentials even when API keys are configured; readiness follows Redis.
 */
import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const API_KEYS = 'reader-secret-1=read,admin-secret-1=admin';

describe('health and docs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'docs_health', env: { RANKFEED_API_KEYS: API_KEYS } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health/live with 200 and no credentials', async () => {
    const res = await t.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with 200 {status: ready} and no credentials', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  it('serves the docs UI as HTML without credentials', async () => {
    const res = await t.http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('serves an OpenAPI 3 document with the board routes and the X-API-Key scheme', async () => {
    const res = await t.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'rankfeed', version: '1' });
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/boards',
        '/v1/boards/{boardId}',
        '/v1/boards/{boardId}/cycles',
        '/v1/boards/{boardId}/scores',
        '/v1/boards/{boardId}/scores/batch',
        '/v1/boards/{boardId}/top',
        '/v1/boards/{boardId}/players/{playerId}',
        '/v1/boards/{boardId}/players/{playerId}/around',
        '/v1/boards/{boardId}/ranks',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/boards/{boardId}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.components.securitySchemes.apiKey).toEqual({
      type: 'apiKey',
      name: 'X-API-Key',
      in: 'header',
    });
    expect(doc.paths['/v1/boards/{boardId}/scores'].post.security).toEqual([{ apiKey: [] }]);
  });

  it('documents the answers every API operation can give: 400, 401/403, 429 and 503', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    const submit = doc.paths['/v1/boards/{boardId}/scores'].post.responses;
    expect(Object.keys(submit)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '429', '503']),
    );
    expect(Object.keys(submit['429'].headers)).toEqual(
      expect.arrayContaining([
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ]),
    );
    expect(Object.keys(submit['503'].headers)).toEqual(['Retry-After']);
    expect(submit['429'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    expect(doc.components.schemas.Error.required).toEqual(['error']);
    // Probes are never limited and answer without credentials.
    expect(Object.keys(doc.paths['/health/ready']?.get?.responses ?? {})).not.toContain('429');
  });

  it('documents the id pattern on path parameters', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    const params = doc.paths['/v1/boards/{boardId}/players/{playerId}'].get.parameters;
    const byName = Object.fromEntries(
      params.map((p: { name: string; schema: unknown }) => [p.name, p.schema]),
    );
    expect(byName.boardId).toMatchObject({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
    expect(byName.playerId).toMatchObject({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
  });

  it('still requires a key on the API while the probes and docs are open', async () => {
    expect((await t.http.get('/v1/boards')).status).toBe(401);
    const withWrongKey = t.http.withHeaders({ 'x-api-key': 'wrong-secret-1' });
    expect((await withWrongKey.get('/health/ready')).status).toBe(200);
    expect((await withWrongKey.get('/docs/openapi.json')).status).toBe(200);
  });
});

describe('readiness without Redis', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startApp({ name: 'docs_health_down', env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('turns /health/ready into 503 when Redis stops, while /health/live stays 200', async () => {
    expect((await t.http.get('/health/ready')).status).toBe(200);
    await redis.stop();
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(ready.body).toEqual({ status: 'unavailable', reason: 'redis is not answering' });
    expect(ready.text).not.toContain(t.prefix);
    const live = await t.http.get('/health/live');
    expect(live.status).toBe(200);
  });
});
