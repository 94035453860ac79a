import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectError, connectLive, emitAck } from '../support/live-client';

const KEYS = 'live-reader-1=read,live-writer-1=scores.write,live-admin-1=admin';
const ORIGIN = 'https://game.example';

describe('live handshake: credentials and Origin', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'live_auth',
      env: {
        RANKFEED_API_KEYS: KEYS,
        LIVE_ALLOWED_ORIGINS: `${ORIGIN},https://other.example`,
        LIVE_TICK_MS: '20',
      },
    });
    const admin = t.http.withHeaders({ 'x-api-key': 'live-admin-1' });
    await admin.put('/v1/boards/private', {});
    await admin.put('/v1/boards/open', { public: true });
    await admin.post('/v1/boards/open/scores', { playerId: 'p1', score: 5 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  async function connect(opts: { token?: string; origin?: string } = {}): Promise<Socket> {
    const s = await connectLive(t.baseUrl, opts);
    sockets.push(s);
    return s;
  }

  it('refuses an unknown token with connect_error UNAUTHENTICATED', async () => {
    const error = await connectError(t.baseUrl, { token: 'not-a-key-at-all' });
    expect(error.message).toBe('invalid auth.token');
    expect(error.data).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a token that is not a string with connect_error UNAUTHENTICATED', async () => {
    const error = await connectError(t.baseUrl, { token: 42 as unknown as string });
    expect(error.data).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a key without the read scope with connect_error FORBIDDEN', async () => {
    const error = await connectError(t.baseUrl, { token: 'live-writer-1' });
    expect(error.message).toBe("this key lacks the 'read' scope");
    expect(error.data).toEqual({ code: 'FORBIDDEN' });
  });

  it('accepts a read key and lets it subscribe to a private board', async () => {
    const s = await connect({ token: 'live-reader-1' });
    const ack = await emitAck(s, 'board.subscribe', {
      boardId: 'private',
      view: { type: 'top', limit: 5 },
    });
    expect(ack).toMatchObject({ subscription: 'board:private:all:top:5', seq: 1, entries: [] });
  });

  it('rejects a WebSocket from an Origin not in LIVE_ALLOWED_ORIGINS before the handshake', async () => {
    const error = await connectError(t.baseUrl, {
      token: 'live-reader-1',
      origin: 'https://evil.example',
    });
    expect(error.message).toBe('websocket error');
    const allowed = await connect({ token: 'live-reader-1', origin: ORIGIN });
    expect(allowed.connected).toBe(true);
  });

  it('lets an anonymous socket subscribe to a public board only', async () => {
    const s = await connect();
    const ok = await emitAck(s, 'board.subscribe', {
      boardId: 'open',
      view: { type: 'top', limit: 3 },
    });
    expect(ok).toMatchObject({
      subscription: 'board:open:all:top:3',
      entries: [{ rank: 1, playerId: 'p1', score: 5 }],
    });
    const refused = await emitAck(s, 'board.subscribe', {
      boardId: 'private',
      view: { type: 'top', limit: 3 },
    });
    expect(refused).toEqual({
      error: {
        code: 'UNAUTHENTICATED',
        message: 'this board is not public: connect with auth.token',
      },
    });
    const rank = await emitAck(s, 'rank.subscribe', { boardId: 'private', playerId: 'p1' });
    expect(rank.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers BOARD_NOT_FOUND for a board that does not exist', async () => {
    const s = await connect({ token: 'live-reader-1' });
    const ack = await emitAck(s, 'board.subscribe', {
      boardId: 'nope',
      view: { type: 'top', limit: 3 },
    });
    expect(ack).toEqual({
      error: { code: 'BOARD_NOT_FOUND', message: 'board nope does not exist' },
    });
  });
});
