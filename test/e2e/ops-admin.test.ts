import { Redis } from 'ioredis';
import { KEY_FAMILIES } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const ADMIN = 'admin-secret-1=admin';
const READER = 'reader-secret-1=read';
const BULK = 3000;

/** GET /v1/admin/keys and /v1/admin/memory over a namespace of thousands of keys, never KEYS. */
describe('admin inspection of the namespace', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let t: TestApp;

  const commandCalls = async (command: string): Promise<number> => {
    const stats = await admin.info('commandstats');
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
    t = await startApp({
      name: 'ops_admin',
      env: { REDIS_URL: redis.url, RANKFEED_API_KEYS: `${ADMIN},${READER}` },
    });
    const api = t.http.withHeaders({ 'x-api-key': 'admin-secret-1' });
    expect((await api.put('/v1/boards/bulk', {})).status).toBe(201);
    expect((await api.post('/v1/boards/bulk/scores', { playerId: 'p1', score: 5 })).status).toBe(
      200,
    );
    // Thousands of idempotency-shaped records, plus keys of another namespace that must not show.
    const pipeline = admin.pipeline();
    for (let i = 0; i < BULK; i += 1)
      pipeline.set(`${t.prefix}:{b:bulk}:idem:r${i}`, 'x'.repeat(10), 'EX', 3600);
    for (let i = 0; i < 200; i += 1) pipeline.set(`${t.prefix}x:{b:bulk}:idem:r${i}`, 'y');
    await pipeline.exec();
  });
  afterAll(async () => {
    await t.close();
    await admin.quit();
    await redis.stop();
  });

  const adminHttp = () => t.http.withHeaders({ 'x-api-key': 'admin-secret-1' });

  it('pages through every key of the namespace with SCAN, never KEYS', async () => {
    const keysBefore = await commandCalls('keys');
    const scansBefore = await commandCalls('scan');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/admin/keys?count=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await adminHttp().get(query);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['keys', 'nextCursor']);
      seen.push(...res.body.keys.map((k: { key: string }) => k.key));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    const scansAfter = await commandCalls('scan');
    const expected = await allKeys(admin, `${t.prefix}:*`);
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual(expected.sort());
    expect(seen.filter((k) => k.includes(':idem:r')).length).toBe(BULK);
    expect(seen.every((k) => k.startsWith(`${t.prefix}:`))).toBe(true);
    expect(pages).toBeGreaterThan(5);
    expect(await commandCalls('keys')).toBe(keysBefore);
    expect(scansAfter - scansBefore).toBeGreaterThanOrEqual(pages);
  });

  it('describes each key with its type, TTL and size', async () => {
    const res = await adminHttp().get(
      `/v1/admin/keys?match=${encodeURIComponent('{b:bulk}:*')}&count=1000`,
    );
    let page = res.body;
    const all = [...page.keys];
    while (page.nextCursor) {
      page = (
        await adminHttp().get(
          `/v1/admin/keys?match=${encodeURIComponent('{b:bulk}:*')}&count=1000&cursor=${encodeURIComponent(page.nextCursor)}`,
        )
      ).body;
      all.push(...page.keys);
    }
    const byKey = new Map<string, { key: string; type: string; ttl: number; size: number }>(
      all.map((k: { key: string; type: string; ttl: number; size: number }) => [k.key, k]),
    );
    const record = byKey.get(`${t.prefix}:{b:bulk}:idem:r7`)!;
    expect(record).toMatchObject({ type: 'string', size: 10 });
    expect(record.ttl).toBeGreaterThan(3500);
    expect(record.ttl).toBeLessThanOrEqual(3600);
    expect(byKey.get(`${t.prefix}:{b:bulk}:z:all:all`)).toEqual({
      key: `${t.prefix}:{b:bulk}:z:all:all`,
      type: 'zset',
      ttl: -1,
      size: 1,
    });
    expect(byKey.get(`${t.prefix}:{b:bulk}:cfg`)).toMatchObject({ type: 'hash', ttl: -1 });
    expect(byKey.has(`${t.prefix}:boards`)).toBe(false);
  });

  it('filters by a glob within the namespace only', async () => {
    const match = encodeURIComponent('{b:bulk}:idem:r12*');
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { keys: Array<{ key: string }>; nextCursor: string | null } } =
        await adminHttp().get(
          `/v1/admin/keys?match=${match}&count=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
      keys.push(...res.body.keys.map((k) => k.key));
      cursor = res.body.nextCursor;
    } while (cursor);
    const expected = [
      'r12',
      ...Array.from({ length: 10 }, (_, i) => `r12${i}`),
      ...Array.from({ length: 100 }, (_, i) => `r12${String(i).padStart(2, '0')}`),
    ];
    expect(keys.sort()).toEqual(expected.map((r) => `${t.prefix}:{b:bulk}:idem:${r}`).sort());
  });

  it('rejects a cursor issued for another match, and a forged one', async () => {
    const first = await adminHttp().get('/v1/admin/keys?count=10');
    const other = await adminHttp().get(
      `/v1/admin/keys?match=b*&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('INVALID_CURSOR');
    const forged = await adminHttp().get(
      '/v1/admin/keys?cursor=eyJuIjowLCJjIjoiMCIsIm0iOiIqIn0.AAAA',
    );
    expect(forged.body.error.code).toBe('INVALID_CURSOR');
    expect((await adminHttp().get('/v1/admin/keys?count=5000')).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('needs the admin scope', async () => {
    expect((await t.http.get('/v1/admin/keys')).status).toBe(401);
    const reader = t.http.withHeaders({ 'x-api-key': 'reader-secret-1' });
    expect((await reader.get('/v1/admin/keys')).body.error.code).toBe('FORBIDDEN');
    expect((await reader.get('/v1/admin/memory')).body.error.code).toBe('FORBIDDEN');
  });

  it('reports keys and sampled bytes per key family', async () => {
    const res = await adminHttp().get('/v1/admin/memory');
    expect(res.status).toBe(200);
    const families = new Map<string, { keys: number; bytes: number }>(
      res.body.families.map((f: { family: string; keys: number; bytes: number }) => [f.family, f]),
    );
    expect(res.body.complete).toBe(true);
    expect([...families.keys()]).toEqual(KEY_FAMILIES.filter((f) => f !== 'other'));
    expect(families.get('idempotency')!.keys).toBe(BULK);
    expect(families.get('boardConfig')!.keys).toBe(1);
    expect(families.get('cycleScores')!.keys).toBe(1);
    expect(families.get('boardIndex')!.keys).toBe(1);
    expect(families.get('profiles')).toEqual({ family: 'profiles', keys: 0, bytes: 0 });
    const perRecord = families.get('idempotency')!.bytes / BULK;
    const exact = Number(await admin.call('MEMORY', 'USAGE', `${t.prefix}:{b:bulk}:idem:r1`));
    // Records differ only in the length of their names (r0 … r2999): within a few bytes.
    expect(perRecord).toBeGreaterThanOrEqual(exact - 8);
    expect(perRecord).toBeLessThanOrEqual(exact + 8);
  });
});

async function allKeys(client: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}
