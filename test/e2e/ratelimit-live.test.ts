/**
 * /live limits: inbound events per socket (an in-process token bucket), open sockets per client
 * IP on an instance and connection attempts per IP (a sliding window in Redis), both checked
 * before the WebSocket upgrade.
 */
import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectError, connectLive, emitAck, waitFor } from '../support/live-client';
import { scrapedValue } from '../support/prometheus-text';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

const refusals = (t: TestApp, limiter: string): Promise<number> =>
  scrapedValue(t.http, 'rankfeed_rate_limit_refusals_total', { limiter });

describe('live inbound events per socket', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_live_events',
      env: { LIVE_EVENTS_BURST: '40', LIVE_EVENTS_RATE: '20' },
    });
    expect((await t.http.put('/v1/boards/ev', {})).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('answers RATE_LIMITED to 1,000 events in a second after the burst, and keeps serving', async () => {
    const before = await refusals(t, 'live_events');
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const acks: Promise<any>[] = [];
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) {
        acks.push(emitAck(s, 'unsubscribe', { subscription: 'board:ev:all:top:1' }));
      }
      await sleep(100);
    }
    const answers = await Promise.all(acks);
    const limited = answers.filter((a) => a?.error?.code === 'RATE_LIMITED');
    // The burst passes whole; then only the refill (20 per second) does.
    expect(answers.slice(0, 40).filter((a) => a?.error?.code === 'RATE_LIMITED')).toEqual([]);
    expect(limited.length).toBeGreaterThan(500);
    expect(limited[0]).toEqual({
      error: { code: 'RATE_LIMITED', message: 'at most 20 events per second per connection' },
    });
    expect(await refusals(t, 'live_events')).toBe(before + limited.length);

    expect(s.connected).toBe(true);
    expect((await t.http.get('/health/live')).status).toBe(200);
    const fresh = await connectLive(t.baseUrl);
    sockets.push(fresh);
    const ack = await emitAck(fresh, 'board.subscribe', {
      boardId: 'ev',
      view: { type: 'top', limit: 3 },
    });
    expect(ack.subscription).toBe('board:ev:all:top:3');
  });
});

describe('live open sockets per client IP', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'ratelimit_live_open', env: { LIVE_CONNECTIONS_PER_IP: '3' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('refuses a connection beyond the open sockets allowed per IP until one closes', async () => {
    const before = await refusals(t, 'live_connect');
    for (let i = 0; i < 3; i++) sockets.push(await connectLive(t.baseUrl));
    const refused = await connectError(t.baseUrl);
    expect(refused.message).toBe('websocket error');
    expect(await refusals(t, 'live_connect')).toBe(before + 1);
    expect(sockets.every((s) => s.connected)).toBe(true);

    sockets.shift()!.close();
    // The place is free once the server has seen the TCP connection close.
    await waitFor('a connection to be admitted again', async () => {
      try {
        sockets.push(await connectLive(t.baseUrl));
        return true;
      } catch {
        return false;
      }
    });
    await expect(connectLive(t.baseUrl)).rejects.toThrow('websocket error');
  });
});

describe('live connection attempts per client IP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_live_attempts',
      env: { LIVE_CONNECT_MAX: '4', LIVE_CONNECT_WINDOW_MS: '600000' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses connection attempts over the window, even with every socket closed', async () => {
    const before = await refusals(t, 'live_connect');
    for (let i = 0; i < 4; i++) (await connectLive(t.baseUrl)).close();
    const refused = await connectError(t.baseUrl);
    expect(refused.message).toBe('websocket error');
    expect(await refusals(t, 'live_connect')).toBe(before + 1);
    expect((await t.http.get('/health/live')).status).toBe(200);
  });
});
