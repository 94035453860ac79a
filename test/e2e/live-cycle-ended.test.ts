import type { Cluster, Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { LiveCycleEnds } from '../../src/live/live-cycle-ends.service';
import { CYCLE_END_CLAIM_TTL_MS, CYCLE_ENDED_TTL_S } from '../../src/live/live.repository';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp, TestClock } from '../support/app';
import { connectLive, emitAck, LiveView, waitFor } from '../support/live-client';
import { connectCluster, connectStandalone, deleteByPrefix } from '../support/test-redis';

const lua = (file: string): string =>
  readFileSync(join(__dirname, '../../src/redis/lua', file), 'utf8');
const CLAIM = lua('claim-cycle-end.lua');
const STORE = lua('store-cycle-end.lua');

interface CycleEnded {
  boardId: string;
  period: string;
  cycle: string;
  top: unknown[];
}

/** A client socket and every `cycle.ended` it was sent, in order. */
interface Client {
  socket: Socket;
  ended: CycleEnded[];
  views: LiveView[];
}

/**
 * `cycle.ended` is reliable (DESIGN §4): pub/sub is only its fast path. One instance claims the
 * finished cycle's end record, stores the message and publishes it; every instance with local
 * views asks the record again on its sweeps until it has delivered the message to its rooms, and
 * delivers each end once. Two instances share one Redis namespace and one injected clock; on
 * Redis Cluster the record and its PUBLISH live on the board's slot.
 */
describe.each(['standalone', 'cluster'] as const)('cycle.ended on %s Redis', (mode) => {
  const clock = new TestClock(new Date('2026-03-10T23:59:30.000Z'));
  let a: TestApp;
  let b: TestApp;
  let redis: Redis | Cluster;
  let keys: Keys;
  let clients: Client[] = [];

  beforeAll(async () => {
    const env = {
      LIVE_TICK_MS: '20',
      LIVE_SWEEP_MS: '100',
      REDIS_CLUSTER_NODES: mode === 'cluster' ? process.env.TEST_REDIS_CLUSTER_NODES : undefined,
    };
    a = await startApp({ name: `live_ended_${mode}`, clock, env });
    b = await startApp({ name: `live_ended_${mode}`, clock, env, prefix: a.prefix });
    redis = mode === 'cluster' ? connectCluster() : connectStandalone();
    keys = new Keys(a.prefix);
  });
  afterEach(() => {
    for (const c of clients) c.socket.close();
    clients = [];
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    // close() leaves keys alone on a Cluster: this file cleans its prefix there.
    if (mode === 'cluster') await deleteByPrefix(redis, a.prefix);
    await redis.quit();
  });

  async function client(t: TestApp): Promise<Client> {
    const socket = await connectLive(t.baseUrl);
    const c: Client = { socket, ended: [], views: [] };
    socket.on('cycle.ended', (e: CycleEnded) => c.ended.push(e));
    clients.push(c);
    return c;
  }

  async function watch(c: Client, boardId: string, view: object): Promise<LiveView> {
    const v = new LiveView(c.socket, { boardId, period: 'daily', view });
    await v.subscribe();
    c.views.push(v);
    return v;
  }

  /** A daily board with two scores on `day` (the clock is set to its last 30 s). */
  async function board(boardId: string, day: string): Promise<void> {
    clock.set(`${day}T23:59:30.000Z`);
    const put = await a.http.put(`/v1/boards/${boardId}`, { periods: ['daily'], graceSeconds: 60 });
    expect(put.status).toBe(201);
    const p1 = await a.http.post(`/v1/boards/${boardId}/scores`, { playerId: 'p1', score: 100 });
    const p2 = await b.http.post(`/v1/boards/${boardId}/scores`, { playerId: 'p2', score: 200 });
    expect([p1.status, p2.status]).toEqual([200, 200]);
  }

  /** The day rolls over; every view moves to the next cycle. */
  async function rollOver(next: string): Promise<void> {
    clock.set(`${next}T00:00:10.000Z`);
    for (const v of clients.flatMap((c) => c.views))
      await waitFor(`a view on ${next}`, () => v.cycle === next);
  }

  /** The grace window (60 s) of the finished cycle has passed. */
  const passGrace = (next: string): void => clock.set(`${next}T00:01:01.000Z`);

  const ends = (t: TestApp, boardId: string) =>
    t.app
      .get(LiveCycleEnds)
      .pendingEnds()
      .filter((e) => e.boardId === boardId);

  const finalMessage = async (boardId: string, cycle: string): Promise<CycleEnded> => ({
    boardId,
    period: 'daily',
    cycle,
    top: (await a.http.get(`/v1/boards/${boardId}/top?period=daily&cycle=${cycle}&limit=10`)).body
      .entries,
  });

  /** Everything the server sent the socket before this round trip has arrived when it returns. */
  const flush = (c: Client) => emitAck(c.socket, 'unsubscribe', { subscription: 'board:none' });

  /**
   * Settles both instances: no end of the board is pending on either (nothing left to send it
   * again), then a new score's update reaches every top view. It is published after every message
   * published so far, and each instance's subscriber handles messages in order, so a duplicate
   * `cycle.ended` still in flight would have reached the sockets before it.
   */
  async function settle(boardId: string, playerId: string): Promise<void> {
    await waitFor('no pending end on A', () => ends(a, boardId).length === 0);
    await waitFor('no pending end on B', () => ends(b, boardId).length === 0);
    expect((await a.http.post(`/v1/boards/${boardId}/scores`, { playerId, score: 1 })).status).toBe(
      200,
    );
    const tops = clients.flatMap((c) => c.views).filter((v) => v.subscription.includes(':top:'));
    for (const v of tops)
      await waitFor(`${playerId} on a view`, () => v.entries.some((e) => e.playerId === playerId));
    for (const c of clients) await flush(c);
  }

  const record = (boardId: string, cycle: string) => keys.liveCycleEnded(boardId, 'daily', cycle);

  it('sends one cycle.ended to each client across two instances, and stores the message', async () => {
    await board('duo', '2026-03-10');
    const onA = await client(a);
    await watch(onA, 'duo', { type: 'top', limit: 5 });
    await watch(onA, 'duo', { type: 'around', playerId: 'p1', radius: 2 }); // same period: one event
    const onB = await client(b);
    await watch(onB, 'duo', { type: 'top', limit: 5 });
    const alsoOnB = await client(b);
    await watch(alsoOnB, 'duo', { type: 'top', limit: 3 });

    await rollOver('2026-03-11');
    passGrace('2026-03-11');
    const expected = await finalMessage('duo', '2026-03-10');
    expect(expected.top.map((e: any) => e.playerId)).toEqual(['p2', 'p1']);
    for (const c of clients) await waitFor('cycle.ended', () => c.ended.length === 1);
    await settle('duo', 'later');

    for (const c of clients) expect(c.ended).toEqual([expected]);
    const key = record('duo', '2026-03-10');
    expect(JSON.parse((await redis.get(key)) as string)).toEqual(expected);
    expect(await redis.ttl(key)).toBeGreaterThan(CYCLE_END_CLAIM_TTL_MS / 1000);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(CYCLE_ENDED_TTL_S);
  });

  /**
   * A client on each instance watches `boardId` as its cycle `day` rolls over to `next`; another
   * claimant (`claim:<owner>`, long-lived) holds the end record when the grace window passes, and
   * both instances are seen asking for it and waiting, with nothing sent yet.
   */
  async function heldByAnotherClaimant(boardId: string, day: string, next: string, owner: string) {
    await board(boardId, day);
    const onA = await client(a);
    await watch(onA, boardId, { type: 'top', limit: 5 });
    const onB = await client(b);
    await watch(onB, boardId, { type: 'top', limit: 5 });
    await rollOver(next);
    const key = record(boardId, day);
    expect(await redis.eval(CLAIM, 1, key, `claim:${owner}`, 60_000)).toEqual(['CLAIMED', '']);
    passGrace(next);
    await waitFor('A asked', () => ends(a, boardId).some((e) => e.attempts >= 1));
    await waitFor('B asked', () => ends(b, boardId).some((e) => e.attempts >= 1));
    for (const c of clients) await flush(c);
    expect(onA.ended).toEqual([]);
    expect(onB.ended).toEqual([]);
    return { onA, onB, key };
  }

  it('reaches every client from the stored message when its publish is lost, once', async () => {
    // Another claimant (alive: its claim does not run out) will build the message...
    const { onA, onB, key } = await heldByAnotherClaimant(
      'lost',
      '2026-03-11',
      '2026-03-12',
      'winner',
    );

    // ...and stores it, but its publish is heard by nobody.
    const expected = await finalMessage('lost', '2026-03-11');
    const message = JSON.stringify(expected);
    const lostOn = `${a.prefix}:nobody-listens`;
    expect(await redis.eval(STORE, 1, key, message, CYCLE_ENDED_TTL_S, lostOn)).toEqual([
      'STORED',
      message,
    ]);
    for (const c of clients) await waitFor('cycle.ended from the store', () => c.ended.length > 0);

    // The lost publish turns up after all, racing the sweep: no client gets it twice.
    await redis.publish(keys.liveCyclesChannel(), message);
    await settle('lost', 'later');
    expect(onA.ended).toEqual([expected]);
    expect(onB.ended).toEqual([expected]);
  });

  it('is sent by another instance once the claim of one that died before storing runs out', async () => {
    // An instance claimed the end and died. Its claim is written with a long TTL so that both
    // live instances are seen waiting on it; then it runs out.
    const { onA, onB, key } = await heldByAnotherClaimant(
      'orphan',
      '2026-03-12',
      '2026-03-13',
      'dead',
    );
    expect(await redis.get(key)).toBe('claim:dead');
    await redis.pexpire(key, 200);

    const expected = await finalMessage('orphan', '2026-03-12');
    for (const c of clients) await waitFor('cycle.ended after takeover', () => c.ended.length > 0);
    await settle('orphan', 'later');
    expect(onA.ended).toEqual([expected]);
    expect(onB.ended).toEqual([expected]);
    expect(JSON.parse((await redis.get(key)) as string)).toEqual(expected);
  });

  it('reaches a client of an instance that had no view of the board when the cycle rolled over', async () => {
    await board('late', '2026-03-13');
    const early = await client(a);
    await watch(early, 'late', { type: 'top', limit: 5 });
    await rollOver('2026-03-14');
    expect(ends(b, 'late')).toEqual([]);

    // B's first view of the board starts on the new cycle, within the old one's grace window:
    // B schedules the old cycle's end itself.
    const joined = await client(b);
    const view = await watch(joined, 'late', { type: 'top', limit: 5 });
    expect(view.cycle).toBe('2026-03-14');
    expect(ends(b, 'late')).toMatchObject([{ period: 'daily', cycle: '2026-03-13', attempts: 0 }]);

    // The message is stored but its publish is lost: only B's own asking can reach its client.
    const key = record('late', '2026-03-13');
    expect(await redis.eval(CLAIM, 1, key, 'claim:winner', 60_000)).toEqual(['CLAIMED', '']);
    passGrace('2026-03-14');
    await waitFor('B asked', () => ends(b, 'late').some((e) => e.attempts >= 1));
    const expected = await finalMessage('late', '2026-03-13');
    const message = JSON.stringify(expected);
    await redis.eval(STORE, 1, key, message, CYCLE_ENDED_TTL_S, `${a.prefix}:nobody-listens`);
    for (const c of clients) await waitFor('cycle.ended', () => c.ended.length > 0);
    await settle('late', 'later');
    expect(early.ended).toEqual([expected]);
    expect(joined.ended).toEqual([expected]);
  });
});
