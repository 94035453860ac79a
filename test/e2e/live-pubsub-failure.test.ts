import type { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { REDIS_SUBSCRIBER } from '../../src/redis/redis.tokens';
import { startApp, TestApp } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';

describe('live path when the pub/sub connection fails', () => {
  let t: TestApp;
  let admin: Redis;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_pubsub', env: { LIVE_TICK_MS: '20' } });
    admin = connectStandalone();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await admin.quit();
    await t.close();
  });

  const subscriber = (): Redis => t.app.get<Redis>(REDIS_SUBSCRIBER);

  async function seededView(boardId: string): Promise<LiveView> {
    await t.http.put(`/v1/boards/${boardId}`, {});
    for (let i = 1; i <= 6; i++)
      await t.http.post(`/v1/boards/${boardId}/scores`, { playerId: `p${i}`, score: i });
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const view = new LiveView(s, { boardId, view: { type: 'top', limit: 5 } });
    await view.subscribe();
    return view;
  }

  const isSnapshot = (u: { entries?: unknown; prevSeq: number; seq: number }): boolean =>
    u.entries !== undefined && u.prevSeq === u.seq;

  it('sends fresh snapshots after CLIENT KILL TYPE pubsub and keeps converging', async () => {
    const view = await seededView('killed');
    const port = subscriber().stream.localPort;
    // Only this app's subscriber: other test files share the Redis server.
    const killed = await admin.client('KILL', 'TYPE', 'pubsub', 'ADDR', `127.0.0.1:${port}`);
    expect(killed).toBe(1);
    const during = Array.from({ length: 20 }, (_, i) =>
      t.http.post('/v1/boards/killed/scores', { playerId: `k${i}`, score: 100 + i }),
    );
    await Promise.all(during);
    await waitFor('a snapshot after the resubscribe', () => view.received.some(isSnapshot));
    await t.http.post('/v1/boards/killed/scores', { playerId: 'after', score: 1000 });
    const rest = (await t.http.get('/v1/boards/killed/top?limit=5')).body.entries;
    expect(rest[0]).toEqual({ rank: 1, playerId: 'after', score: 1000 });
    await waitFor(
      'convergence after the outage',
      () => JSON.stringify(view.entries) === JSON.stringify(rest),
    );
    await waitFor('ready again', async () => (await t.http.get('/health/ready')).status === 200);
  });

  it('reports not-ready while the subscription is down, and recovers with snapshots', async () => {
    const view = await seededView('down');
    const before = view.received.filter(isSnapshot).length;
    subscriber().disconnect();
    await waitFor(
      'readiness to fail',
      async () => (await t.http.get('/health/ready')).status === 503,
    );
    const ready = await t.http.get('/health/ready');
    expect(ready.body.status).toBe('unavailable');
    expect(['redis subscriber connection is down', 'live pub/sub subscription is down']).toContain(
      ready.body.reason,
    );
    await t.http.post('/v1/boards/down/scores', { playerId: 'missed', score: 77 });
    await subscriber().connect();
    await waitFor('ready again', async () => (await t.http.get('/health/ready')).status === 200);
    await waitFor(
      'a snapshot after reconnecting',
      () => view.received.filter(isSnapshot).length > before,
    );
    const rest = (await t.http.get('/v1/boards/down/top?limit=5')).body.entries;
    expect(rest[0]).toEqual({ rank: 1, playerId: 'missed', score: 77 });
    await waitFor('convergence', () => JSON.stringify(view.entries) === JSON.stringify(rest));
  });
});
