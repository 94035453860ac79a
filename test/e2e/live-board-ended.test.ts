import type { Socket } from 'socket.io-client';
import { Keys } from '../../src/redis/keys';
import { AppPair, Http, startPair, TestApp } from '../support/app';
import { connectLive, emitAck, LiveView, waitFor } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';

const ADMIN = 'ended-admin-1';
const READER = 'ended-reader-1';
const KEYS = `${ADMIN}=admin,${READER}=read`;

interface Ended {
  subscription: string;
  reason: { code: string; message: string };
}

/** A socket recording every event it is sent, in order. */
interface Watched {
  socket: Socket;
  events: { event: string; payload: any }[];
  ended: () => Ended[];
}

/**
 * `subscription.ended` (an addition to API §7): deleting a board ends every subscription to it, and
 * making a public board private ends the anonymous ones, on every instance, once per subscription.
 */
describe('live subscriptions ended by board changes', () => {
  let pair: AppPair;
  let a: TestApp;
  let b: TestApp;
  let adminA: Http;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { RANKFEED_API_KEYS: KEYS, LIVE_TICK_MS: '20', LIVE_SWEEP_MS: '200' };
    pair = await startPair('live_board_ended', env);
    ({ a, b } = pair);
    adminA = a.http.withHeaders({ 'x-api-key': ADMIN });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair.close();
  });

  async function watch(t: TestApp, token?: string): Promise<Watched> {
    const socket = await connectLive(t.baseUrl, token === undefined ? {} : { token });
    sockets.push(socket);
    const events: Watched['events'] = [];
    socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
    const ended = (): Ended[] =>
      events.filter((e) => e.event === 'subscription.ended').map((e) => e.payload as Ended);
    return { socket, events, ended };
  }

  const top = (boardId: string, limit = 5) => ({ boardId, view: { type: 'top', limit } });

  async function subscribe(w: Watched, event: string, request: object): Promise<string> {
    const ack = await emitAck(w.socket, event, request);
    if (ack.error) throw new Error(`${event} failed: ${JSON.stringify(ack.error)}`);
    return ack.subscription as string;
  }

  /** Everything the server sent the socket before this round trip has arrived when it returns. */
  const flush = (w: Watched) => emitAck(w.socket, 'unsubscribe', { subscription: 'board:none' });

  async function seed(boardId: string, body: object = {}): Promise<void> {
    expect((await adminA.put(`/v1/boards/${boardId}`, body)).status).toBe(201);
    await adminA.post(`/v1/boards/${boardId}/scores`, { playerId: 'p1', score: 10 });
  }

  it('tells every subscriber of a deleted board once per subscription, on every instance', async () => {
    await seed('doomed', { periods: ['all', 'daily'] });
    await seed('survivor');
    const onA = await watch(a, READER);
    const onB = await watch(b, READER);
    const subsA = [
      await subscribe(onA, 'board.subscribe', top('doomed')),
      await subscribe(onA, 'board.subscribe', {
        boardId: 'doomed',
        period: 'daily',
        view: { type: 'around', playerId: 'p1', radius: 2 },
      }),
      await subscribe(onA, 'rank.subscribe', { boardId: 'doomed', playerId: 'p1' }),
    ];
    // Only rank subscriptions on B: B's ticker watches no view of the board, so nothing but the
    // control message published through A can end them.
    const subsB = [
      await subscribe(onB, 'rank.subscribe', { boardId: 'doomed', playerId: 'p1' }),
      await subscribe(onB, 'rank.subscribe', {
        boardId: 'doomed',
        period: 'daily',
        playerId: 'p1',
      }),
    ];
    const survivor = new LiveView(onB.socket, top('survivor'));
    await survivor.subscribe();

    expect((await adminA.delete('/v1/boards/doomed')).status).toBe(204);

    await waitFor('A told of its 3 subscriptions', () => onA.ended().length === 3);
    await waitFor('B told of its 2 subscriptions', () => onB.ended().length === 2);
    await flush(onA);
    await flush(onB);
    const reason = { code: 'BOARD_NOT_FOUND', message: 'board doomed was deleted' };
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted(onA.ended().map((e) => e.subscription))).toEqual(sorted(subsA));
    expect(sorted(onB.ended().map((e) => e.subscription))).toEqual(sorted(subsB));
    for (const e of [...onA.ended(), ...onB.ended()]) expect(e.reason).toEqual(reason);

    // The other board's subscription on the same socket goes on.
    await adminA.post('/v1/boards/survivor/scores', { playerId: 'p2', score: 20 });
    await waitFor('the survivor view updated', () => survivor.entries.length === 2);
  });

  it('answers a resubscribe to the deleted board with BOARD_NOT_FOUND', async () => {
    const w = await watch(b, READER);
    const view = await emitAck(w.socket, 'board.subscribe', top('doomed'));
    expect(view).toEqual({
      error: { code: 'BOARD_NOT_FOUND', message: 'board doomed does not exist' },
    });
    const rank = await emitAck(w.socket, 'rank.subscribe', { boardId: 'doomed', playerId: 'p1' });
    expect(rank.error.code).toBe('BOARD_NOT_FOUND');
  });

  it('sends nothing more on ended subscriptions when the board is created again', async () => {
    await seed('phoenix');
    const old = await watch(b, READER);
    const viewId = await subscribe(old, 'board.subscribe', top('phoenix'));
    const rankId = await subscribe(old, 'rank.subscribe', { boardId: 'phoenix', playerId: 'p9' });
    expect((await adminA.delete('/v1/boards/phoenix')).status).toBe(204);
    await waitFor('both subscriptions ended', () => old.ended().length === 2);
    const seen = old.events.length;

    await seed('phoenix');
    const fresh = await watch(b, READER);
    const view = new LiveView(fresh.socket, top('phoenix'));
    await view.subscribe();
    await subscribe(fresh, 'rank.subscribe', { boardId: 'phoenix', playerId: 'p9' });
    await adminA.post('/v1/boards/phoenix/scores', { playerId: 'p9', score: 99 });
    await waitFor('the fresh socket sees the new entry', () => view.entries.length === 2);
    await waitFor('the fresh socket sees rank.changed', () =>
      fresh.events.some((e) => e.event === 'rank.changed'),
    );
    // Same instance, same room broadcast: whatever reached the fresh socket was sent to the old
    // one before this round trip, had it still been subscribed.
    await flush(old);
    expect(old.events.slice(seen)).toEqual([]);
    expect(view.subscription).toBe(viewId);
    expect(rankId).toBe('rank:phoenix:all:p9');
  });

  it('ends the anonymous subscriptions of a board made private, on every instance', async () => {
    await seed('shown', { public: true });
    const anonA = await watch(a);
    const anonB = await watch(b);
    const reader = await watch(b, READER);
    const subA = await subscribe(anonA, 'board.subscribe', top('shown'));
    const rankB = await subscribe(anonB, 'rank.subscribe', { boardId: 'shown', playerId: 'p1' });
    const kept = new LiveView(reader.socket, top('shown'));
    await kept.subscribe();

    expect((await adminA.put('/v1/boards/shown', { public: true, title: 'renamed' })).status).toBe(
      200,
    );
    expect((await adminA.put('/v1/boards/shown', { public: false })).status).toBe(200);

    const reason = {
      code: 'UNAUTHENTICATED',
      message: 'this board is not public any more: connect with auth.token',
    };
    await waitFor('A anonymous told', () => anonA.ended().length === 1);
    await waitFor('B anonymous told', () => anonB.ended().length === 1);
    expect(anonA.ended()).toEqual([{ subscription: subA, reason }]);
    expect(anonB.ended()).toEqual([{ subscription: rankB, reason }]);

    const again = await emitAck(anonA.socket, 'board.subscribe', top('shown'));
    expect(again.error.code).toBe('UNAUTHENTICATED');

    await adminA.post('/v1/boards/shown/scores', { playerId: 'p2', score: 50 });
    await waitFor('the key holder keeps its view', () => kept.entries.length === 2);
    await flush(reader);
    expect(reader.ended()).toEqual([]);
  });

  /**
   * Deletes the board's configuration without the service's DELETE (so without a control
   * message), then expects the periodic re-check to end subscription `id` of `w`.
   */
  async function vanishedUnder(t: TestApp, w: Watched, id: string, boardId: string) {
    const redis = connectStandalone();
    try {
      expect(await redis.del(new Keys(t.prefix).boardConfig(boardId))).toBe(1);
    } finally {
      await redis.quit();
    }
    await waitFor('subscription.ended from the re-check', () => w.ended().length === 1);
    expect(w.ended()).toEqual([
      {
        subscription: id,
        reason: { code: 'BOARD_NOT_FOUND', message: `board ${boardId} was deleted` },
      },
    ]);
  }

  it('ends the views of a board found gone by the periodic re-check (control message lost)', async () => {
    await seed('vanished');
    const w = await watch(a, READER);
    const id = await subscribe(w, 'board.subscribe', top('vanished'));
    await vanishedUnder(a, w, id, 'vanished');
  });

  it('ends a rank.subscribe of a board found gone by the re-check, with no view of it here', async () => {
    await seed('rankonly');
    const w = await watch(b, READER);
    const id = await subscribe(w, 'rank.subscribe', { boardId: 'rankonly', playerId: 'p1' });
    await vanishedUnder(b, w, id, 'rankonly');
  });
});
