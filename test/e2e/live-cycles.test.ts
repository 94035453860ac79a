import type { Socket } from 'socket.io-client';
import { startApp, TestApp, TestClock } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';

describe('live views across a cycle rollover (injected clock)', () => {
  let t: TestApp;
  const clock = new TestClock(new Date('2026-03-10T23:59:30.000Z'));
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_cycles', clock, env: { LIVE_TICK_MS: '20' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('changes the epoch at the rollover and sends cycle.ended with the final top after the grace window', async () => {
    await t.http.put('/v1/boards/day', { periods: ['daily'], graceSeconds: 60 });
    await t.http.post('/v1/boards/day/scores', { playerId: 'p1', score: 100 });
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const ended: unknown[] = [];
    s.on('cycle.ended', (e) => ended.push(e));
    const view = new LiveView(s, {
      boardId: 'day',
      period: 'daily',
      view: { type: 'top', limit: 5 },
    });
    await view.subscribe();
    expect(view.cycle).toBe('2026-03-10');
    await t.http.post('/v1/boards/day/scores', { playerId: 'p2', score: 200 });
    await waitFor('p2 on the view', () => view.entries.length === 2);
    const oldEpoch = view.epoch;

    // The day rolls over: the view moves to the new, empty cycle without any write.
    clock.set('2026-03-11T00:00:20.000Z');
    await waitFor('the new cycle', () => view.cycle === '2026-03-11');
    expect(view.epoch).not.toBe(oldEpoch);
    expect(view.entries).toEqual([]);
    const rollover = view.received[view.received.length - 1];
    expect(rollover).toMatchObject({
      epoch: view.epoch,
      cycle: '2026-03-11',
      size: 0,
      entries: [],
    });

    // A late score earned before midnight still lands in the old cycle, within the grace window.
    const late = await t.http.post('/v1/boards/day/scores', {
      playerId: 'p3',
      score: 300,
      at: '2026-03-10T23:59:59.000Z',
    });
    expect(late.body.periods.daily).toMatchObject({ cycle: '2026-03-10', rank: 1 });
    expect(ended).toEqual([]);

    clock.set('2026-03-11T00:01:01.000Z');
    await waitFor('cycle.ended', () => ended.length === 1);
    const finalTop = (await t.http.get('/v1/boards/day/top?period=daily&cycle=2026-03-10&limit=10'))
      .body.entries;
    expect(ended[0]).toEqual({
      boardId: 'day',
      period: 'daily',
      cycle: '2026-03-10',
      top: finalTop,
    });
    expect(finalTop.map((e: { playerId: string }) => e.playerId)).toEqual(['p3', 'p2', 'p1']);
    expect(view.entries).toEqual([]);
  });
});
