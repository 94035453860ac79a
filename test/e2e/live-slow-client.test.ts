import type { Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { LiveHub, socketData } from '../../src/live/live-hub';
import { bufferedBytes, SLOW_BYTES, STUCK_BYTES } from '../../src/live/live-flow';
import { startApp, TestApp } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';

/**
 * Clients that stop reading (DESIGN §4, README "Live rankings"): the client's WebSocket is paused
 * for real (ws `pause()` stops reading the TCP socket, so the kernel buffers fill and the server's
 * writes queue up). Every update here rewrites a top-100 view whose entries carry ~900 bytes of
 * metadata, so about 100 KB per update, to fill the buffers quickly.
 */
describe('live clients that stop reading', () => {
  let t: TestApp;
  let hub: LiveHub;
  const sockets: Socket[] = [];
  const VIEW = { boardId: 'slow', view: { type: 'top', limit: 100 } };
  const metadata = { pad: 'x'.repeat(900) };
  let nextScore = 1_000;

  beforeAll(async () => {
    t = await startApp({ name: 'live_slow', env: { LIVE_TICK_MS: '20' } });
    hub = t.app.get(LiveHub);
    await t.http.put('/v1/boards/slow', {});
    const entries = Array.from({ length: 100 }, (_, i) => ({
      playerId: `seed${i}`,
      score: i,
      metadata,
    }));
    for (let i = 0; i < entries.length; i += 25) {
      const batch = { entries: entries.slice(i, i + 25) };
      expect((await t.http.post('/v1/boards/slow/scores/batch', batch)).status).toBe(200);
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  async function view(): Promise<LiveView> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const v = new LiveView(s, VIEW);
    await v.subscribe();
    return v;
  }

  /** The client's WebSocket (ws), whose pause()/resume() stop and restart reading the socket. */
  const wsOf = (s: Socket): { pause(): void; resume(): void } =>
    (s.io.engine.transport as unknown as { ws: { pause(): void; resume(): void } }).ws;

  const serverSocket = (s: Socket): ServerSocket | undefined =>
    hub.namespace?.sockets.get(s.id as string);

  async function metric(name: string): Promise<number> {
    const text = (await t.http.get('/metrics')).text;
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  }

  /** A new leader: every position of the top 100 moves, so each update is the whole view. */
  async function submitLeader(): Promise<void> {
    nextScore += 1;
    const res = await t.http.post('/v1/boards/slow/scores', {
      playerId: `lead${nextScore}`,
      score: nextScore,
      metadata,
    });
    expect(res.status).toBe(200);
  }

  /** Submits leaders until the server skips a diff for `s`; returns the most bytes it buffered. */
  async function burstUntilSkipped(s: Socket): Promise<number> {
    const skippedBefore = await metric('rankfeed_live_diffs_skipped_total');
    let maxBuffered = 0;
    await waitFor(
      'the server to skip diffs for the paused client',
      async () => {
        await submitLeader();
        const server = serverSocket(s);
        if (server) maxBuffered = Math.max(maxBuffered, bufferedBytes(server));
        return (await metric('rankfeed_live_diffs_skipped_total')) > skippedBefore;
      },
      60_000,
    );
    return maxBuffered;
  }

  it('skips diffs for a client that stops reading, bounds its buffer, then sends it a snapshot', async () => {
    const watcher = await view();
    const slow = await view();
    const server = serverSocket(slow.socket) as ServerSocket;
    expect(socketData(server).slowSince).toBeNull();

    wsOf(slow.socket).pause();
    const maxBuffered = await burstUntilSkipped(slow.socket);
    // Marked slow: it left the broadcasts ("latest wins") with its buffer bounded.
    expect(socketData(server).slowSince).not.toBeNull();
    expect(socketData(server).skipped).toBe(true);
    expect(maxBuffered).toBeGreaterThan(0);
    expect(bufferedBytes(server)).toBeGreaterThan(SLOW_BYTES);
    expect(Math.max(maxBuffered, bufferedBytes(server))).toBeLessThanOrEqual(STUCK_BYTES);
    const received = slow.received.length;

    wsOf(slow.socket).resume();
    const rest = (await t.http.get('/v1/boards/slow/top?limit=100')).body.entries;
    expect(rest).toHaveLength(100);
    expect(rest[0]).toEqual({ rank: 1, playerId: `lead${nextScore}`, score: nextScore, metadata });
    await waitFor(
      'both clients to hold the REST top',
      () =>
        JSON.stringify(slow.entries) === JSON.stringify(rest) &&
        JSON.stringify(watcher.entries) === JSON.stringify(rest),
    );
    // It skipped updates the watcher got, and caught up with a fresh snapshot of the whole view.
    await waitFor('the slow client to be back in the broadcasts', () => {
      const data = socketData(server);
      return data.slowSince === null && !data.skipped;
    });
    // Since it resumed: a snapshot (prevSeq = seq) of the whole view, then at most updates that
    // continue from it (one still in flight when the snapshot was sent arrives after it).
    const since = slow.received.slice(received);
    const at = since.map((u) => u.prevSeq === u.seq).lastIndexOf(true);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(since[at]).toMatchObject({ subscription: 'board:slow:all:top:100' });
    expect(since[at].entries).toHaveLength(100);
    for (let i = at + 1; i < since.length; i += 1) expect(since[i].prevSeq).toBe(since[i - 1].seq);
    expect(slow.entries).toEqual(rest);
    // At least one update the watcher got as a diff never reached the slow client as one.
    const diffSeqs = (v: typeof slow): Set<number> =>
      new Set(v.received.filter((u) => u.prevSeq !== u.seq).map((u) => u.seq));
    const slowDiffs = diffSeqs(slow);
    expect([...diffSeqs(watcher)].some((seq) => !slowDiffs.has(seq))).toBe(true);
    expect(slow.seq).toBe(watcher.seq);
    expect(slow.socket.connected).toBe(true);
  });

  it('disconnects a client that stays stuck, releasing its connection on the server', async () => {
    const stuck = await view();
    const server = serverSocket(stuck.socket) as ServerSocket;
    const engine = hub.namespace?.server.engine as unknown as { clients: Record<string, unknown> };
    const sid = stuck.socket.io.engine.id;
    expect(engine.clients[sid]).toBeDefined();
    const disconnectsBefore = await metric('rankfeed_live_slow_disconnects_total');
    const closed = new Promise<string>((done) => stuck.socket.once('disconnect', done));

    wsOf(stuck.socket).pause();
    await burstUntilSkipped(stuck.socket);
    await waitFor(
      'the stuck client to be disconnected',
      async () => (await metric('rankfeed_live_slow_disconnects_total')) > disconnectsBefore,
    );
    expect(serverSocket(stuck.socket)).toBeUndefined();
    // The engine.io connection (and what it buffered) is gone too, while the client still reads nothing.
    await waitFor('the engine.io connection to close', () => engine.clients[sid] === undefined);
    expect(server.conn.readyState).toBe('closed');

    wsOf(stuck.socket).resume();
    expect(await closed).toBe('transport close');
  });
});
