import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import {
  adminConnection,
  expectStoreUnavailable,
  HANG_GUARD_MS,
  timed,
  waitUntilReady,
} from '../support/store-outage';

/** Redis stopped and restarted under a running app (API §0 503s, DESIGN §3 exactly-once). */
describe('the service while its Redis is stopped and restarted', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  const submit = (playerId: string, score: number, key: string) =>
    t.http.post('/v1/boards/outage/scores', { playerId, score }, { 'idempotency-key': key });
  const scoreOf = async (playerId: string): Promise<number> => {
    const res = await t.http.get(`/v1/boards/outage/players/${playerId}`);
    expect(res.status).toBe(200);
    return res.body.score as number;
  };

  beforeAll(async () => {
    // AOF keeps the data across restarts; the script cache is lost with every restart.
    redis = await startPrivateRedis({ appendonly: true, extraArgs: ['--appendfsync', 'always'] });
    t = await startApp({
      name: 'redis_failure',
      // The write path alone: a rate-limit script in front would be the command that fails.
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500', RATE_LIMIT_ENABLED: 'false' },
    });
    expect((await t.http.put('/v1/boards/outage', { update: 'sum' })).status).toBe(201);
    expect((await submit('p1', 10, 'seed-p1')).status).toBe(200);
  });

  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers reads, writes and readiness with 503 at once while Redis is stopped', async () => {
    await redis.stop();
    const top = await timed(t.http.get('/v1/boards/outage/top'));
    expectStoreUnavailable(top, ['not_applied']);
    const player = await timed(t.http.get('/v1/boards/outage/players/p1'));
    expectStoreUnavailable(player, ['not_applied']);
    const write = await timed(submit('p1', 5, 'while-stopped'));
    // Nothing can have reached a stopped server.
    expectStoreUnavailable(write, ['not_applied']);
    const board = await timed(t.http.put('/v1/boards/other', {}));
    expectStoreUnavailable(board, ['not_applied']);
    const ready = await timed(t.http.get('/health/ready'));
    expect(ready.ms).toBeLessThan(HANG_GUARD_MS);
    expect(ready.res.status).toBe(503);
    expect(ready.res.headers.get('retry-after')).toBe('1');
    expect(ready.res.body).toEqual({ status: 'unavailable', reason: 'redis is not answering' });
  });

  it('keeps answering 503 without hanging on repeated requests during the outage', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => timed(submit(`q${i}`, 1, `burst-${i}`))),
    );
    for (const result of results) expectStoreUnavailable(result, ['not_applied']);
  });

  it('recovers by itself once Redis is back on the same port, and the failed write applies once', async () => {
    await redis.restart();
    await waitUntilReady(t);
    const retry = await submit('p1', 5, 'while-stopped');
    expect(retry.status).toBe(200);
    expect(retry.body.replayed).toBe(false);
    expect(retry.body.periods.all).toMatchObject({ score: 15, previousScore: 10 });
    const again = await submit('p1', 5, 'while-stopped');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...retry.body, replayed: true });
    expect(await scoreOf('p1')).toBe(15);
    expect((await t.http.put('/v1/boards/other', {})).status).toBe(201);
  });

  it('answers unknown for a write in flight when Redis dies, and applies its retry once', async () => {
    const admin = adminConnection(redis.url);
    await admin.connect();
    // Writes block on the server while reads go on: the script is sent and never answered.
    await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    admin.disconnect();
    const inFlight = timed(submit('p2', 7, 'unknown-outcome'));
    // Whether the kill or the command timeout comes first, the script was sent: unknown.
    await new Promise((done) => setTimeout(done, 200));
    await redis.kill();
    expectStoreUnavailable(await inFlight, ['unknown']);
    await redis.restart();
    await waitUntilReady(t);
    const retry = await submit('p2', 7, 'unknown-outcome');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({
      playerId: 'p2',
      replayed: false,
      periods: {
        all: {
          cycle: 'all',
          score: 7,
          rank: 2,
          previousRank: null,
          previousScore: null,
          improved: true,
        },
      },
    });
    const again = await submit('p2', 7, 'unknown-outcome');
    expect(again.body).toEqual({ ...retry.body, replayed: true });
    expect(await scoreOf('p2')).toBe(7);
  });

  it('still submits and reads after a restart emptied the script cache', async () => {
    await redis.restart();
    await waitUntilReady(t);
    const admin = adminConnection(redis.url);
    await admin.connect();
    expect(await admin.call('SCRIPT', 'FLUSH')).toBe('OK');
    admin.disconnect();
    const res = await submit('p3', 1, 'after-flush');
    expect(res.status).toBe(200);
    expect(res.body.periods.all).toMatchObject({ score: 1, rank: 3, previousScore: null });
    const top = await t.http.get('/v1/boards/outage/top');
    expect(top.status).toBe(200);
    expect(top.body.entries).toEqual([
      { rank: 1, playerId: 'p1', score: 15 },
      { rank: 2, playerId: 'p2', score: 7 },
      { rank: 3, playerId: 'p3', score: 1 },
    ]);
  });
});
