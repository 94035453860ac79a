/**
 * Coalescing (DESIGN §4): the Redis work of a tick depends on the dirty views, not on how many
 * sockets watch them. Counted with the live path's own counters (view reads from Redis and
 * updates published), which this process shares with the app it boots.
 */
import type { Socket } from 'socket.io-client';
import { liveMetrics } from '../../src/live/live.metrics';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck, waitFor } from '../support/live-client';

async function total(counter: {
  get(): Promise<{ values: { value: number }[] }>;
}): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

interface Watcher {
  socket: Socket;
  seq: number;
}

describe('live coalescing: one read and one publish per dirty view, whatever the subscribers', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  const SUBMISSIONS = 5;

  beforeAll(async () => {
    // 500 sockets from one address: above the default per-IP /live limits, which are not what
    // this test is about.
    t = await startApp({
      name: 'live_coalesce',
      env: { LIVE_TICK_MS: '20', RATE_LIMIT_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  async function watchers(boardId: string, n: number): Promise<Watcher[]> {
    const out: Watcher[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, async () => {
          const socket = await connectLive(t.baseUrl);
          sockets.push(socket);
          const w: Watcher = { socket, seq: 0 };
          socket.on('board.updated', (u: { seq: number }) => (w.seq = Math.max(w.seq, u.seq)));
          const ack = await emitAck(socket, 'board.subscribe', {
            boardId,
            view: { type: 'top', limit: 10 },
          });
          w.seq = Math.max(w.seq, ack.seq);
          return w;
        }),
      );
      out.push(...batch);
    }
    return out;
  }

  /** Redis view reads and publishes caused by SUBMISSIONS changes to a view watched by n sockets. */
  async function measure(
    n: number,
  ): Promise<{ reads: number; publishes: number; delivered: number }> {
    const boardId = `co${n}`;
    await t.http.put(`/v1/boards/${boardId}`, {});
    for (let i = 0; i < 20; i++)
      await t.http.post(`/v1/boards/${boardId}/scores`, { playerId: `p${i}`, score: i });
    const ws = await watchers(boardId, n);
    const start = Math.max(...ws.map((w) => w.seq));
    await waitFor('every watcher on the same seq', () => ws.every((w) => w.seq === start));
    const reads0 = await total(liveMetrics.viewReads);
    const publishes0 = await total(liveMetrics.updatesPublished);
    const delivered0 = await total(liveMetrics.messages);
    for (let k = 1; k <= SUBMISSIONS; k++) {
      await t.http.post(`/v1/boards/${boardId}/scores`, { playerId: 'climber', score: 100 + k });
      await waitFor(`update ${k} at all ${n} watchers`, () => ws.every((w) => w.seq === start + k));
    }
    return {
      reads: (await total(liveMetrics.viewReads)) - reads0,
      publishes: (await total(liveMetrics.updatesPublished)) - publishes0,
      delivered: (await total(liveMetrics.messages)) - delivered0,
    };
  }

  it('reads and publishes a view once per change with 1 and with 500 subscribers', async () => {
    const one = await measure(1);
    const many = await measure(500);
    expect(one).toEqual({ reads: SUBMISSIONS, publishes: SUBMISSIONS, delivered: SUBMISSIONS });
    expect(many).toEqual({
      reads: SUBMISSIONS,
      publishes: SUBMISSIONS,
      delivered: SUBMISSIONS * 500,
    });
  }, 120_000);
});
