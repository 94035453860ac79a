import type { Socket } from 'socket.io-client';
import { Keys } from '../../src/redis/keys';
import { AppPair, startPair, TestApp } from '../support/app';
import { connectLive, emitAck, LiveView, waitFor } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';

describe('live across two instances on one Redis', () => {
  let pair: AppPair;
  let a: TestApp;
  let b: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pair = await startPair('live_two', { LIVE_TICK_MS: '20' });
    ({ a, b } = pair);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair.close();
  });

  async function viewOn(t: TestApp, request: Record<string, unknown>): Promise<LiveView> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const view = new LiveView(s, request);
    await view.subscribe();
    return view;
  }

  it('shows a client on B a submission made through A, with the entries a REST read returns', async () => {
    await a.http.put('/v1/boards/shared', {});
    await a.http.put('/v1/players/star', { displayName: 'Star', country: 'DE' });
    const onB = await viewOn(b, { boardId: 'shared', view: { type: 'top', limit: 5 } });
    const onA = await viewOn(a, { boardId: 'shared', view: { type: 'top', limit: 5 } });
    await a.http.post('/v1/boards/shared/scores', {
      playerId: 'star',
      score: 900,
      metadata: { level: 7 },
    });
    await a.http.post('/v1/boards/shared/scores', { playerId: 'rookie', score: 100 });
    const rest = (await b.http.get('/v1/boards/shared/top?limit=5')).body.entries;
    expect(rest).toEqual([
      {
        rank: 1,
        playerId: 'star',
        score: 900,
        metadata: { level: 7 },
        profile: expect.objectContaining({ displayName: 'Star' }),
      },
      { rank: 2, playerId: 'rookie', score: 100 },
    ]);
    await waitFor(
      'B to show the REST top',
      () => JSON.stringify(onB.entries) === JSON.stringify(rest),
    );
    await waitFor(
      'A to show the REST top',
      () => JSON.stringify(onA.entries) === JSON.stringify(rest),
    );
    expect(onB.epoch).toBe(onA.epoch);
    expect(onB.seq).toBe(onA.seq);
  });

  it('delivers rank.changed on B for a submission through A', async () => {
    await a.http.put('/v1/boards/ranked', {});
    const s = await connectLive(b.baseUrl);
    sockets.push(s);
    const events: unknown[] = [];
    s.on('rank.changed', (e) => events.push(e));
    await s.emitWithAck('rank.subscribe', { boardId: 'ranked', playerId: 'solo' });
    await a.http.post('/v1/boards/ranked/scores', { playerId: 'solo', score: 3 });
    await waitFor('rank.changed on B', () => events.length === 1);
    expect(events[0]).toEqual({
      boardId: 'ranked',
      period: 'all',
      cycle: 'all',
      playerId: 'solo',
      rank: 1,
      previousRank: null,
      score: 3,
    });
  });

  it("hears a board's submissions and view updates only while it has live subscribers of it", async () => {
    await a.http.put('/v1/boards/quiet', {});
    const redis = connectStandalone();
    const keys = new Keys(a.prefix);
    const channels = [keys.liveDirtyChannel('quiet'), keys.liveViewsChannel('quiet')];
    /** Subscribers of the board's dirty and view-update channels. */
    const listeners = async (): Promise<number[]> => {
      const reply = (await redis.call('PUBSUB', 'NUMSUB', ...channels)) as (string | number)[];
      return [Number(reply[1]), Number(reply[3])];
    };
    try {
      expect(await listeners()).toEqual([0, 0]);
      const onA = await viewOn(a, { boardId: 'quiet', view: { type: 'top', limit: 5 } });
      expect(await listeners()).toEqual([1, 1]); // subscribed before the ack
      const onB = await viewOn(b, { boardId: 'quiet', view: { type: 'around', playerId: 'x' } });
      expect(await listeners()).toEqual([2, 2]);

      await a.http.post('/v1/boards/quiet/scores', { playerId: 'x', score: 5 });
      await waitFor('B to hear the update made through A', () => onB.entries.length === 1);
      await emitAck(onB.socket, 'unsubscribe', { subscription: onB.subscription });
      await waitFor('B to leave the channels', async () => (await listeners())[0] === 1);
      expect(await listeners()).toEqual([1, 1]);

      // A rank subscription alone makes B hear the board again, and its rank.changed arrives.
      const ranks = await connectLive(b.baseUrl);
      sockets.push(ranks);
      const changed: { rank: number }[] = [];
      ranks.on('rank.changed', (e) => changed.push(e));
      const ack = await emitAck(ranks, 'rank.subscribe', { boardId: 'quiet', playerId: 'y' });
      expect(ack).toMatchObject({ rank: null, score: null });
      expect(await listeners()).toEqual([2, 2]);
      await a.http.post('/v1/boards/quiet/scores', { playerId: 'y', score: 9 });
      await waitFor('A to keep hearing updates', () => onA.entries.length === 2);
      await waitFor('the rank subscriber on B to hear it', () => changed.length === 1);
      expect(changed[0]).toMatchObject({ playerId: 'y', rank: 1, previousRank: null, score: 9 });
      ranks.close();
      await waitFor('B to leave again', async () => (await listeners())[0] === 1);

      onA.socket.close();
      await waitFor('A to leave the channels', async () => (await listeners())[0] === 0);
      expect(await listeners()).toEqual([0, 0]);
    } finally {
      await redis.quit();
    }
  });
});
