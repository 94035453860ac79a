import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck, LiveView, waitFor } from '../support/live-client';

describe('live board views over socket.io', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_board', env: { LIVE_TICK_MS: '20' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  async function socket(): Promise<Socket> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    return s;
  }

  it('answers board.subscribe with a snapshot of the top that equals the REST top', async () => {
    await t.http.put('/v1/boards/snap', {});
    for (const [playerId, score] of [
      ['a', 10],
      ['b', 30],
      ['c', 20],
    ] as const) {
      await t.http.post('/v1/boards/snap/scores', { playerId, score });
    }
    const s = await socket();
    const ack = await emitAck(s, 'board.subscribe', {
      boardId: 'snap',
      view: { type: 'top', limit: 2 },
    });
    expect(ack).toEqual({
      subscription: 'board:snap:all:top:2',
      epoch: expect.any(String),
      seq: 1,
      cycle: 'all',
      size: 2,
      entries: [
        { rank: 1, playerId: 'b', score: 30 },
        { rank: 2, playerId: 'c', score: 20 },
      ],
    });
  });

  it('converges to the REST top after a burst of concurrent submissions', async () => {
    await t.http.put('/v1/boards/burst', {});
    const view = new LiveView(await socket(), {
      boardId: 'burst',
      view: { type: 'top', limit: 10 },
    });
    await view.subscribe();
    expect(view.entries).toEqual([]);
    const submissions = Array.from({ length: 300 }, (_, i) => ({
      playerId: `p${i % 40}`,
      score: (i * 7919) % 1000,
    }));
    const results = await Promise.all(
      submissions.map((b) => t.http.post('/v1/boards/burst/scores', b)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const rest = (await t.http.get('/v1/boards/burst/top?limit=10')).body.entries;
    expect(rest).toHaveLength(10);
    await waitFor(
      'the live view to equal the REST top',
      () => JSON.stringify(view.entries) === JSON.stringify(rest),
    );
    expect(view.received.length).toBeGreaterThan(0);
    expect(view.seq).toBeGreaterThan(1);
  });

  it('keeps an around view equal to the REST around window as scores move', async () => {
    await t.http.put('/v1/boards/around', {});
    for (let i = 0; i < 10; i++)
      await t.http.post('/v1/boards/around/scores', { playerId: `p${i}`, score: i * 10 });
    const view = new LiveView(await socket(), {
      boardId: 'around',
      view: { type: 'around', playerId: 'p5', radius: 2 },
    });
    await view.subscribe();
    expect(view.entries.map((e) => e.playerId)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3']);
    await t.http.post('/v1/boards/around/scores', { playerId: 'p0', score: 55 });
    const rest = (await t.http.get('/v1/boards/around/players/p5/around?radius=2')).body.entries;
    expect(rest.map((e: { playerId: string }) => e.playerId)).toEqual([
      'p6',
      'p0',
      'p5',
      'p4',
      'p3',
    ]);
    await waitFor(
      'the around view to equal REST',
      () => JSON.stringify(view.entries) === JSON.stringify(rest),
    );
  });

  it('sends diffs as the changed positions plus size, leaving unmoved entries out', async () => {
    await t.http.put('/v1/boards/diffs', {});
    for (let i = 1; i <= 6; i++)
      await t.http.post('/v1/boards/diffs/scores', { playerId: `p${i}`, score: i * 100 });
    const view = new LiveView(await socket(), {
      boardId: 'diffs',
      view: { type: 'top', limit: 6 },
    });
    const ack = await view.subscribe();
    await t.http.post('/v1/boards/diffs/scores', { playerId: 'p2', score: 350 });
    const next = () => view.received.find((u) => u.seq === ack.seq + 1);
    await waitFor('the next update', () => next() !== undefined);
    expect(next()).toEqual({
      subscription: 'board:diffs:all:top:6',
      epoch: ack.epoch,
      seq: ack.seq + 1,
      prevSeq: ack.seq,
      cycle: 'all',
      size: 6,
      changes: [
        { position: 3, entry: { rank: 4, playerId: 'p2', score: 350 } },
        { position: 4, entry: { rank: 5, playerId: 'p3', score: 300 } },
      ],
    });
  });

  it('sends rank.changed to subscribers of the player whose own score changed', async () => {
    await t.http.put('/v1/boards/ranks', {});
    await t.http.post('/v1/boards/ranks/scores', { playerId: 'x', score: 50 });
    await t.http.post('/v1/boards/ranks/scores', { playerId: 'y', score: 40 });
    const s = await socket();
    const events: unknown[] = [];
    s.on('rank.changed', (e) => events.push(e));
    const ack = await emitAck(s, 'rank.subscribe', { boardId: 'ranks', playerId: 'y' });
    expect(ack).toEqual({
      subscription: 'rank:ranks:all:y',
      boardId: 'ranks',
      period: 'all',
      cycle: 'all',
      playerId: 'y',
      rank: 2,
      score: 40,
    });
    await t.http.post('/v1/boards/ranks/scores', { playerId: 'x', score: 60 });
    await t.http.post('/v1/boards/ranks/scores', { playerId: 'y', score: 70 });
    await waitFor('rank.changed', () => events.length === 1);
    expect(events).toEqual([
      {
        boardId: 'ranks',
        period: 'all',
        cycle: 'all',
        playerId: 'y',
        rank: 1,
        previousRank: 2,
        score: 70,
      },
    ]);
  });

  it('stops sending a view after unsubscribe while other subscriptions of the socket continue', async () => {
    await t.http.put('/v1/boards/unsub', {});
    const s = await socket();
    const gone = new LiveView(s, { boardId: 'unsub', view: { type: 'top', limit: 3 } });
    const kept = new LiveView(s, { boardId: 'unsub', view: { type: 'top', limit: 5 } });
    await gone.subscribe();
    await kept.subscribe();
    expect(await emitAck(s, 'unsubscribe', { subscription: gone.subscription })).toEqual({
      subscription: 'board:unsub:all:top:3',
      unsubscribed: true,
    });
    // A socket's messages arrive in order: whatever the view sent before the unsubscribe ack
    // (e.g. its first tick on a busy machine) is already here; nothing may follow it.
    const beforeUnsubscribe = gone.received.length;
    await t.http.post('/v1/boards/unsub/scores', { playerId: 'z', score: 1 });
    await waitFor('the kept view to update', () => kept.entries.length === 1);
    expect(gone.received.slice(beforeUnsubscribe)).toEqual([]);
  });
});
