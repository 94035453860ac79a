import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck } from '../support/live-client';

describe('live per-socket limits and validation', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_limits', env: { LIVE_TICK_MS: '20' } });
    await t.http.put('/v1/boards/lim', { periods: ['all', 'daily'] });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  async function connect(): Promise<Socket> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    return s;
  }

  it('closes the connection of a client sending a message over the size limit', async () => {
    const s = await connect();
    const reason = new Promise<string>((done) => s.once('disconnect', (r) => done(r)));
    s.emit('board.subscribe', {
      boardId: 'lim',
      view: { type: 'top', limit: 3 },
      padding: 'x'.repeat(8 * 1024),
    });
    expect(await reason).toBe('transport close');
  });

  it('refuses a 51st subscription on a socket (views and ranks together) until one is removed', async () => {
    const s = await connect();
    for (let limit = 1; limit <= 50; limit++) {
      const ack = await emitAck(s, 'board.subscribe', {
        boardId: 'lim',
        view: { type: 'top', limit },
      });
      expect(ack.subscription).toBe(`board:lim:all:top:${limit}`);
      await new Promise((done) => setTimeout(done, 45)); // stay under the event rate limit
    }
    const refused = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'top', limit: 51 },
    });
    expect(refused).toEqual({
      error: { code: 'RATE_LIMITED', message: 'at most 50 subscriptions per connection' },
    });
    const again = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'top', limit: 50 },
    });
    expect(again.subscription).toBe('board:lim:all:top:50');
    await emitAck(s, 'unsubscribe', { subscription: 'board:lim:all:top:1' });
    const accepted = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'top', limit: 51 },
    });
    expect(accepted.subscription).toBe('board:lim:all:top:51');
    const rank = await emitAck(s, 'rank.subscribe', { boardId: 'lim', playerId: 'p1' });
    expect(rank).toEqual({
      error: { code: 'RATE_LIMITED', message: 'at most 50 subscriptions per connection' },
    });
  });

  it('answers RATE_LIMITED through the ack once a socket exceeds its event budget', async () => {
    const s = await connect();
    const acks = await Promise.all(
      Array.from({ length: 60 }, () =>
        emitAck(s, 'unsubscribe', { subscription: 'board:lim:all:top:1' }),
      ),
    );
    const limited = acks.filter((a) => a.error?.code === 'RATE_LIMITED');
    expect(acks.length - limited.length).toBeGreaterThanOrEqual(40);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]).toEqual({
      error: { code: 'RATE_LIMITED', message: 'at most 20 events per second per connection' },
    });
  });

  it('validates payloads and answers VALIDATION_FAILED with field details', async () => {
    const s = await connect();
    const badId = await emitAck(s, 'board.subscribe', {
      boardId: 'a:b',
      view: { type: 'top', limit: 3 },
    });
    expect(badId.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'boardId', reason: 'boardId must match ^[A-Za-z0-9_.-]{1,64}$' }],
    });
    const big = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'top', limit: 101 },
    });
    expect(big.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'view.limit', reason: 'limit must not be greater than 100' }],
    });
    const radius = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'around', playerId: 'p', radius: 26 },
    });
    expect(radius.error.details).toEqual([
      { field: 'view.radius', reason: 'radius must not be greater than 25' },
    ]);
    const noPlayer = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'around' },
    });
    expect(noPlayer.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'view.playerId is required for an around view',
      details: [{ field: 'view.playerId', reason: 'is required for an around view' }],
    });
    const unknownField = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      view: { type: 'top' },
      extra: 1,
    });
    expect(unknownField.error.details).toEqual([
      { field: 'extra', reason: 'property extra should not exist' },
    ]);
    const notObject = await emitAck(s, 'board.subscribe', 'lim');
    expect(notObject.error.code).toBe('VALIDATION_FAILED');
    const period = await emitAck(s, 'board.subscribe', {
      boardId: 'lim',
      period: 'weekly',
      view: { type: 'top' },
    });
    expect(period.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'period', reason: 'is not a period of this board (all, daily)' }],
    });
  });
});
