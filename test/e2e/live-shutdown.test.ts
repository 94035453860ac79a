import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { SHUTDOWN_JITTER_MS } from '../../src/live/live-hub';
import { gracefulShutdown } from '../../src/ops/graceful-shutdown';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck } from '../support/live-client';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const SHUTDOWN_DELAY_MS = 300;

/**
 * The SIGTERM path (main.ts → gracefulShutdown) with live sockets open: every live client is told
 * `server.shutdown` {reconnect: true, retryAfterMs} before its socket is closed, while an in-flight
 * REST request (held by pausing Redis) still completes.
 */
describe('graceful shutdown with live sockets', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
    t = await startApp({
      name: 'live_shutdown',
      env: {
        REDIS_URL: redis.url,
        REDIS_COMMAND_TIMEOUT_MS: '10000',
        LIVE_TICK_MS: '20',
        SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      },
    });
    expect((await t.http.put('/v1/boards/bye', {})).status).toBe(201);
    expect((await t.http.post('/v1/boards/bye/scores', { playerId: 'p1', score: 7 })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await admin.quit();
    await redis.stop();
  });

  it('tells every live client to reconnect before disconnecting it, and drains REST', async () => {
    const events: string[] = [];
    const notices: unknown[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await connectLive(t.baseUrl);
      sockets.push(s);
      const ack = await emitAck(s, 'board.subscribe', {
        boardId: 'bye',
        view: { type: 'top', limit: 5 },
      });
      expect(ack).toMatchObject({
        subscription: 'board:bye:all:top:5',
        entries: [{ rank: 1, playerId: 'p1', score: 7 }],
      });
      s.on('server.shutdown', (notice: unknown) => {
        notices.push(notice);
        events.push(`notice ${i}`);
      });
      s.on('disconnect', (reason) => {
        reasons.push(reason);
        events.push(`disconnect ${i}`);
      });
    }

    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const inflight = t.http.get('/v1/boards/bye/top').then((res) => {
      events.push('in-flight answered');
      return res;
    });
    await sleep(200); // the request is now waiting on the paused Redis
    const shutdown = gracefulShutdown(t.app, { delayMs: SHUTDOWN_DELAY_MS }).then(() =>
      events.push('closed'),
    );

    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.body.entries).toEqual([{ rank: 1, playerId: 'p1', score: 7 }]);
    await shutdown;

    expect(reasons).toEqual([
      'io server disconnect',
      'io server disconnect',
      'io server disconnect',
    ]);
    // Each socket got its notice first; all of it happened before the held request was answered.
    for (let i = 0; i < 3; i++)
      expect(events.indexOf(`notice ${i}`)).toBe(events.indexOf(`disconnect ${i}`) - 1);
    expect(events.slice(-2)).toEqual(['in-flight answered', 'closed']);
    expect(notices).toHaveLength(3);
    for (const notice of notices) {
      expect(notice).toEqual({ reconnect: true, retryAfterMs: expect.any(Number) });
      const { retryAfterMs } = notice as { retryAfterMs: number };
      expect(retryAfterMs).toBeGreaterThanOrEqual(SHUTDOWN_DELAY_MS);
      expect(retryAfterMs).toBeLessThan(SHUTDOWN_DELAY_MS + SHUTDOWN_JITTER_MS);
    }
    await expect(fetch(`${t.baseUrl}/health/live`)).rejects.toThrow();
  });
});
