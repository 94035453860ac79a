import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { BoardUpdated, connectLive, emitAck, LiveView, waitFor } from '../support/live-client';

describe('live resume with since', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_resume', env: { LIVE_TICK_MS: '20' } });
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

  /** Submits one score and waits until the observer holds the resulting seq: one update each. */
  async function step(
    observer: LiveView,
    boardId: string,
    playerId: string,
    score: number,
  ): Promise<void> {
    const before = observer.seq;
    await t.http.post(`/v1/boards/${boardId}/scores`, { playerId, score });
    await waitFor(`update after ${playerId}=${score}`, () => observer.seq === before + 1);
  }

  async function restTop(boardId: string, limit: number) {
    return (await t.http.get(`/v1/boards/${boardId}/top?limit=${limit}`)).body.entries;
  }

  it('replays the missed updates in order when the log still holds them', async () => {
    await t.http.put('/v1/boards/replay', {});
    const request = { boardId: 'replay', view: { type: 'top', limit: 5 } };
    const observer = new LiveView(await connect(), request);
    await observer.subscribe();
    const first = await emitAck(await connect(), 'board.subscribe', request);
    for (let i = 1; i <= 3; i++) await step(observer, 'replay', `p${i}`, i * 10);
    const resumed = await emitAck(await connect(), 'board.subscribe', {
      ...request,
      since: { epoch: first.epoch, seq: first.seq },
    });
    expect(resumed.subscription).toBe('board:replay:all:top:5');
    expect(resumed.epoch).toBe(first.epoch);
    expect(resumed.seq).toBe(first.seq + 3);
    expect(resumed.entries).toBeUndefined();
    const updates = resumed.updates as BoardUpdated[];
    expect(updates.map((u) => [u.prevSeq, u.seq])).toEqual([
      [first.seq, first.seq + 1],
      [first.seq + 1, first.seq + 2],
      [first.seq + 2, first.seq + 3],
    ]);
    let view = first.entries;
    for (const u of updates) {
      view = u.entries ? u.entries : [...view];
      for (const c of u.changes ?? []) view[c.position] = c.entry;
      view.length = u.size;
    }
    expect(view).toEqual(await restTop('replay', 5));
  });

  it('answers an empty replay to a client that is up to date', async () => {
    await t.http.put('/v1/boards/current', {});
    const request = { boardId: 'current', view: { type: 'top', limit: 3 } };
    const s = await connect();
    const first = await emitAck(s, 'board.subscribe', request);
    const again = await emitAck(s, 'board.subscribe', {
      ...request,
      since: { epoch: first.epoch, seq: first.seq },
    });
    expect(again).toEqual({
      subscription: first.subscription,
      epoch: first.epoch,
      seq: first.seq,
      cycle: 'all',
      updates: [],
    });
  });

  it('answers a snapshot when more updates were missed than the log keeps', async () => {
    await t.http.put('/v1/boards/longgap', {});
    const request = { boardId: 'longgap', view: { type: 'top', limit: 3 } };
    const observer = new LiveView(await connect(), request);
    await observer.subscribe();
    const first = await emitAck(await connect(), 'board.subscribe', request);
    for (let i = 1; i <= 66; i++) await step(observer, 'longgap', 'climber', i);
    const resumed = await emitAck(await connect(), 'board.subscribe', {
      ...request,
      since: { epoch: first.epoch, seq: first.seq },
    });
    expect(resumed).toEqual({
      subscription: 'board:longgap:all:top:3',
      epoch: first.epoch,
      seq: first.seq + 66,
      cycle: 'all',
      size: 1,
      entries: [{ rank: 1, playerId: 'climber', score: 66 }],
    });
  });

  it('answers a snapshot to a since from an unknown epoch', async () => {
    await t.http.put('/v1/boards/oldepoch', {});
    await t.http.post('/v1/boards/oldepoch/scores', { playerId: 'a', score: 1 });
    const ack = await emitAck(await connect(), 'board.subscribe', {
      boardId: 'oldepoch',
      view: { type: 'top', limit: 3 },
      since: { epoch: 'gone-epoch', seq: 7 },
    });
    expect(ack).toMatchObject({ seq: 1, size: 1, entries: [{ rank: 1, playerId: 'a', score: 1 }] });
    expect(ack.epoch).not.toBe('gone-epoch');
  });

  it('resumes by itself after a gap and converges (client algorithm of the README)', async () => {
    await t.http.put('/v1/boards/gap', {});
    for (const [playerId, score] of [
      ['a', 40],
      ['b', 30],
      ['c', 20],
      ['d', 10],
    ] as const) {
      await t.http.post('/v1/boards/gap/scores', { playerId, score });
    }
    const request = { boardId: 'gap', view: { type: 'top', limit: 4 } };
    const view = new LiveView(await connect(), request);
    await view.subscribe();
    const { seq } = view;
    view.dropNext = 1;
    await t.http.post('/v1/boards/gap/scores', { playerId: 'd', score: 15 });
    await waitFor('the lost message', () => view.dropNext === 0);
    expect(view.seq).toBe(seq);
    await t.http.post('/v1/boards/gap/scores', { playerId: 'c', score: 25 });
    await waitFor('a resume', () => view.resumes === 1);
    expect(view.received.filter((u) => u.changes).length).toBeGreaterThanOrEqual(2);
    const rest = await restTop('gap', 4);
    await waitFor('convergence', () => JSON.stringify(view.entries) === JSON.stringify(rest));
  });
});
