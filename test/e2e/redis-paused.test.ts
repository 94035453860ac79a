import { Redis } from 'ioredis';
import { startApp, TestApp } from '../support/app';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import {
  adminConnection,
  expectStoreUnavailable,
  HANG_GUARD_MS,
  timed,
  waitUntilReady,
} from '../support/store-outage';

/** A Redis that accepts connections but does not answer (CLIENT PAUSE): the command timeout. */
describe('the service while its Redis is paused', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let t: TestApp;

  const submit = (playerId: string, score: number, key: string) =>
    t.http.post('/v1/boards/paused/scores', { playerId, score }, { 'idempotency-key': key });
  const scoreOf = async (playerId: string): Promise<number> => {
    const res = await t.http.get(`/v1/boards/paused/players/${playerId}`);
    expect(res.status).toBe(200);
    return res.body.score as number;
  };
  /** The next commands of every client (this one's too) wait `ms` on the server. */
  const pause = async (ms: number, mode: 'ALL' | 'WRITE'): Promise<void> => {
    expect(await admin.call('CLIENT', 'PAUSE', String(ms), mode)).toBe('OK');
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = adminConnection(redis.url);
    await admin.connect();
    t = await startApp({
      name: 'redis_paused',
      // The write path alone: a rate-limit script in front would be the command that times out.
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500', RATE_LIMIT_ENABLED: 'false' },
    });
    expect((await t.http.put('/v1/boards/paused', { update: 'sum' })).status).toBe(201);
    expect((await submit('p1', 100, 'seed')).status).toBe(200);
  });

  afterAll(async () => {
    admin.disconnect();
    await t.close();
    await redis.stop();
  });

  it('answers 503 after the command timeout instead of waiting out a 3 s pause', async () => {
    await pause(3000, 'ALL');
    const [top, write, ready] = await Promise.all([
      timed(t.http.get('/v1/boards/paused/top')),
      timed(submit('p1', 5, 'during-pause')),
      timed(t.http.get('/health/ready')),
    ]);
    expectStoreUnavailable(top, ['not_applied']);
    // A timed-out command may still run later (ioredis #2130): the client must retry.
    expectStoreUnavailable(write, ['unknown']);
    expect(ready.ms).toBeLessThan(HANG_GUARD_MS);
    expect(ready.res.status).toBe(503);
    expect(ready.res.body).toEqual({ status: 'unavailable', reason: 'redis is not answering' });
  });

  it('applies the timed-out submission exactly once when retried after the pause', async () => {
    await waitUntilReady(t);
    const retry = await submit('p1', 5, 'during-pause');
    expect(retry.status).toBe(200);
    expect(retry.body.periods.all).toMatchObject({ score: 105, previousScore: 100, rank: 1 });
    const again = await submit('p1', 5, 'during-pause');
    expect(again.body).toEqual({ ...retry.body, replayed: true });
    expect(await scoreOf('p1')).toBe(105);
  });

  it('replays, never re-applies, a script that ran on the server after its request timed out', async () => {
    // Reads go on, so the board loads and the script itself is sent, then held by the server.
    await pause(1500, 'WRITE');
    const write = await timed(submit('p2', 3, 'script-held'));
    expectStoreUnavailable(write, ['unknown']);
    await waitUntilReady(t);
    // The held script has run by now: its idempotency record answers the retry.
    const players = await t.http.get('/v1/boards/paused/players/p2');
    expect(players.body).toMatchObject({ rank: 2, score: 3, total: 2 });
    const retry = await submit('p2', 3, 'script-held');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({
      playerId: 'p2',
      replayed: true,
      periods: {
        all: {
          cycle: 'all',
          score: 3,
          rank: 2,
          previousRank: null,
          previousScore: null,
          improved: true,
        },
      },
    });
    expect(await scoreOf('p2')).toBe(3);
  });
});
