/** RATE_LIMIT_ENABLED=false turns every limiter off (API §9): REST, /live events and connections. */
import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';

describe('with RATE_LIMIT_ENABLED=false', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_disabled',
      env: {
        RATE_LIMIT_ENABLED: 'false',
        RATE_LIMIT_WRITE_BURST: '1',
        RATE_LIMIT_WRITE_RATE: '1',
        RATE_LIMIT_READ_MAX: '1',
        LIVE_EVENTS_BURST: '1',
        LIVE_EVENTS_RATE: '1',
        LIVE_CONNECT_MAX: '1',
        LIVE_CONNECTIONS_PER_IP: '1',
      },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('limits no write and no read, and sends no RateLimit headers', async () => {
    expect((await t.http.put('/v1/boards/free', {})).status).toBe(201);
    const responses = [];
    for (let i = 0; i < 5; i++) {
      responses.push(await t.http.post('/v1/boards/free/scores', { playerId: `f${i}`, score: i }));
      responses.push(await t.http.get('/v1/boards/free/top'));
    }
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of responses) expect(r.headers.get('ratelimit-limit')).toBeNull();
  });

  it('limits neither /live connections nor events', async () => {
    for (let i = 0; i < 3; i++) sockets.push(await connectLive(t.baseUrl));
    const acks = await Promise.all(
      Array.from({ length: 20 }, () =>
        emitAck(sockets[0], 'unsubscribe', { subscription: 'board:free:all:top:1' }),
      ),
    );
    expect(acks.filter((a) => a?.error?.code === 'RATE_LIMITED')).toEqual([]);
  });

  it('writes no rate-limit key to Redis', async () => {
    const redis = connectStandalone();
    try {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.prefix}:{rl:*`, 'COUNT', 1000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      expect(found).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
