import type { Socket } from 'socket.io-client';
import { AppPair, Http, startPair, TestApp } from '../support/app';
import { connectError, connectLive, emitAck, waitFor } from '../support/live-client';
import { Keys } from '../../src/redis/keys';
import { connectStandalone } from '../support/test-redis';

const ADMIN = 'sessend-admin-1';
const MINTER = 'sessend-minter-1';
const KEYS = `${ADMIN}=admin,${MINTER}=sessions`;

/** A socket and what happened to it: events received, and the disconnect reason. */
interface Watched {
  socket: Socket;
  events: { event: string; payload: unknown }[];
  disconnected: string | null;
}

const SESSION_ENDED = {
  reason: {
    code: 'UNAUTHENTICATED',
    message: 'the session of this connection has ended: connect again with a new token',
  },
};

/**
 * A /live socket opened with a player session token is dropped, on every instance, when that
 * session ends: `session.ended` {reason}, then a server-side disconnect.
 */
describe('live sockets of ended sessions', () => {
  let pair: AppPair;
  let a: TestApp;
  let b: TestApp;
  let minter: Http;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { RANKFEED_API_KEYS: KEYS, SESSIONS_PER_PLAYER: '2', LIVE_TICK_MS: '20' };
    pair = await startPair('live_session_ended', env);
    ({ a, b } = pair);
    minter = a.http.withHeaders({ 'x-api-key': MINTER });
    const admin = a.http.withHeaders({ 'x-api-key': ADMIN });
    expect((await admin.put('/v1/boards/watched', {})).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair.close();
  });

  async function mint(playerId: string): Promise<string> {
    const res = await minter.post('/v1/sessions', { playerId });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function watch(t: TestApp, token: string): Promise<Watched> {
    const socket = await connectLive(t.baseUrl, { token });
    sockets.push(socket);
    const w: Watched = { socket, events: [], disconnected: null };
    socket.onAny((event: string, payload: unknown) => w.events.push({ event, payload }));
    socket.on('disconnect', (reason) => {
      w.disconnected = reason;
    });
    const ack = await emitAck(socket, 'board.subscribe', {
      boardId: 'watched',
      view: { type: 'top', limit: 3 },
    });
    expect(ack.subscription).toBe('board:watched:all:top:3');
    return w;
  }

  const dropped = (w: Watched): boolean => w.disconnected !== null;

  function expectDropped(w: Watched): void {
    const own = w.events.filter((e) => e.event !== 'board.updated');
    expect(own).toEqual([{ event: 'session.ended', payload: SESSION_ENDED }]);
    expect(w.disconnected).toBe('io server disconnect');
  }

  /** Still connected and answering (the round trip also delivers anything sent before it). */
  async function expectConnected(w: Watched): Promise<void> {
    const ack = await emitAck(w.socket, 'unsubscribe', { subscription: 'board:none' });
    expect(ack).toEqual({ subscription: 'board:none', unsubscribed: false });
    expect(w.disconnected).toBeNull();
    expect(w.events.filter((e) => e.event === 'session.ended')).toEqual([]);
  }

  it('drops the sockets of a session ended with DELETE /v1/sessions/current, on every instance', async () => {
    const token = await mint('amy');
    const other = await mint('amy');
    const onA = await watch(a, token);
    const onB = await watch(b, token);
    const sameplayer = await watch(b, other);
    const bearer = b.http.withHeaders({ authorization: `Bearer ${token}` });
    expect((await bearer.delete('/v1/sessions/current')).status).toBe(204);
    await waitFor('the socket on A dropped', () => dropped(onA));
    await waitFor('the socket on B dropped', () => dropped(onB));
    expectDropped(onA);
    expectDropped(onB);
    await expectConnected(sameplayer);
    expect((await connectError(a.baseUrl, { token })).data).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('drops every socket of a player logged out everywhere, and only theirs', async () => {
    const first = await watch(a, await mint('bob'));
    const second = await watch(b, await mint('bob'));
    const bystander = await watch(a, await mint('cleo'));
    expect((await minter.delete('/v1/players/bob/sessions')).status).toBe(204);
    await waitFor('both sockets of bob dropped', () => dropped(first) && dropped(second));
    expectDropped(first);
    expectDropped(second);
    await expectConnected(bystander);
  });

  it('drops the sockets of an erased player', async () => {
    const w = await watch(b, await mint('dora'));
    const admin = a.http.withHeaders({ 'x-api-key': ADMIN });
    expect((await admin.delete('/v1/players/dora')).status).toBe(204);
    await waitFor('the socket of the erased player dropped', () => dropped(w));
    expectDropped(w);
  });

  it('drops the socket of a session pushed out by the per-player cap', async () => {
    const oldest = await mint('eve');
    a.clock.advance(1000);
    const kept = await mint('eve');
    const w = await watch(b, oldest);
    const stays = await watch(a, kept);
    a.clock.advance(1000);
    await mint('eve'); // the third session: SESSIONS_PER_PLAYER=2 ends the oldest
    await waitFor('the socket of the evicted session dropped', () => dropped(w));
    expectDropped(w);
    await expectConnected(stays);
  });
  /** Leaves `playerId`'s only session `ms` to live, as if it had been minted long ago. */
  async function shortenSession(playerId: string, ms: number): Promise<void> {
    const redis = connectStandalone();
    const keys = new Keys(a.prefix);
    const [id] = await redis.zrange(keys.playerSessions(playerId), 0, -1);
    expect(await redis.pexpire(keys.session(id), ms)).toBe(1);
    await redis.quit();
  }

  it('drops the socket of a session that expires, though nothing announced it', async () => {
    const token = await mint('fay');
    await shortenSession('fay', 1500);
    const w = await watch(b, token);
    await waitFor('the socket of the expired session dropped', () => dropped(w));
    expectDropped(w);
    expect((await connectError(a.baseUrl, { token })).data).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('keeps the socket of a session refreshed before it expired', async () => {
    const token = await mint('gus');
    await shortenSession('gus', 1500);
    const w = await watch(a, token);
    const bearer = b.http.withHeaders({ authorization: `Bearer ${token}` });
    expect((await bearer.post('/v1/sessions/refresh', {})).status).toBe(200);
    // Past the lifetime it had when the socket connected: its timer has fired and looked again.
    const connectedUntil = Date.now() + 2500;
    await waitFor('the old expiry to pass', () => Date.now() > connectedUntil);
    await expectConnected(w);
  });
});
