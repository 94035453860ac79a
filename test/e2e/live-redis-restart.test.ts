import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { BoardUpdated, connectLive, emitAck, LiveView, waitFor } from '../support/live-client';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import { HANG_GUARD_MS, waitUntilReady } from '../support/store-outage';

/** A socket recording every event it is sent, in order. */
interface Watched {
  socket: Socket;
  events: { event: string; payload: any }[];
  of(event: string): any[];
}

const NOT_READY_REASONS = [
  'redis is not answering',
  'redis subscriber connection is down',
  'live pub/sub subscription is down',
];
const STORE_UNAVAILABLE = {
  error: { code: 'STORE_UNAVAILABLE', message: 'The data store is unavailable; retry shortly.' },
};

const isSnapshot = (u: BoardUpdated): boolean => u.entries !== undefined && u.prevSeq === u.seq;

/**
 * The live path across a restart of its Redis (API §7, DESIGN §4): with the data kept (AOF) the
 * views continue; with the data lost the board, the view states and the replay logs are gone, so
 * subscriptions end with BOARD_NOT_FOUND, or, when the board already exists again, move to a new
 * epoch through a whole-view message. While Redis is down, subscribes answer STORE_UNAVAILABLE.
 */
describe('live path when its Redis restarts', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  const sockets: Socket[] = [];
  // One AOF setting for every start on this dir: the side server of the last test writes it too.
  const redisOptions = { appendonly: true, extraArgs: ['--appendfsync', 'always'] };
  const env = () => ({
    REDIS_URL: redis.url,
    LIVE_TICK_MS: '20',
    REDIS_COMMAND_TIMEOUT_MS: '500',
  });

  beforeAll(async () => {
    redis = await startPrivateRedis(redisOptions);
    t = await startApp({ name: 'live_redis_restart', env: env() });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
    await redis.stop();
  });

  async function watch(): Promise<Watched> {
    const socket = await connectLive(t.baseUrl);
    sockets.push(socket);
    const events: Watched['events'] = [];
    socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
    return { socket, events, of: (e) => events.filter((x) => x.event === e).map((x) => x.payload) };
  }

  async function seed(boardId: string, scores: Record<string, number>, app = t): Promise<void> {
    expect((await app.http.put(`/v1/boards/${boardId}`, {})).status).toBe(201);
    for (const [playerId, score] of Object.entries(scores))
      expect(
        (await app.http.post(`/v1/boards/${boardId}/scores`, { playerId, score })).status,
      ).toBe(200);
  }

  const restTop = async (boardId: string, limit = 5) =>
    (await t.http.get(`/v1/boards/${boardId}/top?limit=${limit}`)).body.entries;

  /** A top-5 view and a rank subscription on one socket, settled on the board's current top. */
  async function subscribed(boardId: string, playerId: string) {
    const w = await watch();
    const view = new LiveView(w.socket, { boardId, view: { type: 'top', limit: 5 } });
    await view.subscribe();
    const rank = await emitAck(w.socket, 'rank.subscribe', { boardId, playerId });
    expect(rank.error).toBeUndefined();
    const rest = await restTop(boardId);
    await waitFor('the view settled', () => JSON.stringify(view.entries) === JSON.stringify(rest));
    return { w, view, rank: rank.subscription as string };
  }

  async function expectNotReady(): Promise<void> {
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    expect(NOT_READY_REASONS).toContain(ready.body.reason);
  }

  /** Stops Redis and throws its data away: the next start is an empty server. */
  async function stopAndLoseData(): Promise<void> {
    await redis.stop();
    rmSync(join(redis.dir, 'appendonlydir'), { recursive: true, force: true });
  }

  async function timedAck(socket: Socket, event: string, payload: unknown) {
    const started = Date.now();
    const ack = await emitAck(socket, event, payload);
    return { ack, ms: Date.now() - started };
  }

  it('answers subscribes with STORE_UNAVAILABLE at once while Redis is down', async () => {
    await seed('outage', { p1: 1 });
    const before = await watch();
    await redis.stop();
    // Admitted while Redis is down: the connection limiter falls back to its in-process window.
    const during = await watch();
    for (const s of [before.socket, during.socket]) {
      const top = { boardId: 'outage', view: { type: 'top', limit: 5 } };
      const board = await timedAck(s, 'board.subscribe', top);
      expect(board.ms).toBeLessThan(HANG_GUARD_MS);
      expect(board.ack).toEqual(STORE_UNAVAILABLE);
      const resume = await timedAck(s, 'board.subscribe', {
        ...top,
        since: { epoch: 'x', seq: 1 },
      });
      expect(resume.ms).toBeLessThan(HANG_GUARD_MS);
      expect(resume.ack).toEqual(STORE_UNAVAILABLE);
      const rank = await timedAck(s, 'rank.subscribe', { boardId: 'outage', playerId: 'p1' });
      expect(rank.ms).toBeLessThan(HANG_GUARD_MS);
      expect(rank.ack).toEqual(STORE_UNAVAILABLE);
    }
    await redis.restart();
    await waitUntilReady(t);
    // A refused subscribe left nothing behind: the same socket subscribes normally now.
    const ack = await emitAck(during.socket, 'board.subscribe', {
      boardId: 'outage',
      view: { type: 'top', limit: 5 },
    });
    expect(ack).toMatchObject({ entries: [{ rank: 1, playerId: 'p1', score: 1 }] });
  });

  it('keeps the views across a restart that keeps the data, and keeps converging', async () => {
    await seed('kept', { p1: 1, p2: 2, p3: 3, p4: 4, p5: 5, p6: 6 });
    const { w, view } = await subscribed('kept', 'p1');
    const old = { epoch: view.epoch, seq: view.seq };
    const seen = view.received.length;
    await redis.stop();
    await expectNotReady();
    await redis.restart();
    await waitUntilReady(t);
    // Every local view is re-read once the subscription is back (it may have missed updates).
    await waitFor('a snapshot after the restart', () => view.received.slice(seen).some(isSnapshot));
    // The view's state was persisted with the board: same epoch, so `since` still means something.
    expect(view.received.slice(seen).every((u) => u.epoch === old.epoch)).toBe(true);
    for (const [playerId, score] of [
      ['p1', 100],
      ['p7', 50],
    ] as const)
      await t.http.post('/v1/boards/kept/scores', { playerId, score });
    const rest = await restTop('kept');
    expect(rest.slice(0, 2)).toEqual([
      { rank: 1, playerId: 'p1', score: 100 },
      { rank: 2, playerId: 'p7', score: 50 },
    ]);
    await waitFor('convergence', () => JSON.stringify(view.entries) === JSON.stringify(rest));
    await waitFor('rank.changed after the restart', () => w.of('rank.changed').length === 1);
    expect(w.of('rank.changed')[0]).toMatchObject({ playerId: 'p1', rank: 1, score: 100 });
    // A client that was away resumes from before the restart with a replay of what it missed.
    const resumed = await emitAck((await watch()).socket, 'board.subscribe', {
      boardId: 'kept',
      view: { type: 'top', limit: 5 },
      since: old,
    });
    expect(resumed.epoch).toBe(old.epoch);
    expect(resumed.entries).toBeUndefined();
    expect((resumed.updates as BoardUpdated[])[0].prevSeq).toBe(old.seq);
    expect(resumed.seq).toBe(view.seq);
  });

  it('ends the subscriptions of a board lost with the data, and resumes into a new epoch', async () => {
    await seed('lost', { p1: 1, p2: 2, p3: 3 });
    const { w, view, rank } = await subscribed('lost', 'p1');
    const old = { epoch: view.epoch, seq: view.seq };
    await stopAndLoseData();
    await expectNotReady();
    await redis.restart();
    await waitUntilReady(t);
    expect((await t.http.get('/v1/boards/lost')).status).toBe(404);
    // The board is gone: what a new subscribe would answer, once per subscription.
    await waitFor('both subscriptions ended', () => w.of('subscription.ended').length === 2);
    const reason = expect.objectContaining({ code: 'BOARD_NOT_FOUND' });
    expect(w.of('subscription.ended')).toEqual(
      expect.arrayContaining([
        { subscription: view.subscription, reason },
        { subscription: rank, reason },
      ]),
    );
    const top = { boardId: 'lost', view: { type: 'top', limit: 5 } };
    expect(await emitAck(w.socket, 'board.subscribe', { ...top, since: old })).toEqual({
      error: { code: 'BOARD_NOT_FOUND', message: 'board lost does not exist' },
    });
    // Created again: a resume from the old epoch gets a snapshot of a new one, never a replay.
    await seed('lost', { n1: 10, n2: 20 });
    const ack = await view.subscribe(old);
    expect(ack.epoch).not.toBe(old.epoch);
    expect(ack.updates).toBeUndefined();
    expect(ack.entries).toEqual(await restTop('lost'));
    await t.http.post('/v1/boards/lost/scores', { playerId: 'n3', score: 30 });
    const rest = await restTop('lost');
    expect(rest.map((e: { playerId: string }) => e.playerId)).toEqual(['n3', 'n2', 'n1']);
    await waitFor('convergence', () => JSON.stringify(view.entries) === JSON.stringify(rest));
  });

  it('moves live views to a new epoch when the board already exists again after the loss', async () => {
    await seed('reborn', { p1: 1, p2: 2, p3: 3, p4: 4 });
    const { w, view } = await subscribed('reborn', 'p1');
    const old = { epoch: view.epoch, seq: view.seq };
    const seen = view.received.length;
    await stopAndLoseData();
    // Another instance re-creates the board on an empty server before this one reconnects: a
    // side server on the same data dir and key prefix, stopped before the usual port comes back.
    const side = await startPrivateRedis({ ...redisOptions, dir: redis.dir });
    try {
      const other = await startApp({
        name: 'live_redis_restart',
        prefix: t.prefix,
        env: { ...env(), REDIS_URL: side.url },
      });
      try {
        await seed('reborn', { p1: 40, n1: 30 }, other);
      } finally {
        await other.close();
      }
    } finally {
      await side.stop();
    }
    await redis.restart();
    await waitUntilReady(t);
    const rest = await restTop('reborn');
    expect(rest).toEqual([
      { rank: 1, playerId: 'p1', score: 40 },
      { rank: 2, playerId: 'n1', score: 30 },
    ]);
    await waitFor('the new epoch', () => JSON.stringify(view.entries) === JSON.stringify(rest));
    const after = view.received.slice(seen);
    // Nothing of the old state, and the new epoch starts with the whole view.
    expect(after.every((u) => u.epoch !== old.epoch)).toBe(true);
    expect(after[0].entries).toBeDefined();
    expect(view.epoch).not.toBe(old.epoch);
    expect(w.of('subscription.ended')).toEqual([]);
    const resumed = await emitAck((await watch()).socket, 'board.subscribe', {
      boardId: 'reborn',
      view: { type: 'top', limit: 5 },
      since: old,
    });
    expect(resumed).toMatchObject({ epoch: view.epoch, entries: rest });
    expect(resumed.updates).toBeUndefined();
    // The rank subscription made before the loss goes on.
    await t.http.post('/v1/boards/reborn/scores', { playerId: 'p1', score: 50 });
    await waitFor('rank.changed after the loss', () => w.of('rank.changed').length === 1);
    expect(w.of('rank.changed')[0]).toMatchObject({ playerId: 'p1', rank: 1, score: 50 });
  });
});
