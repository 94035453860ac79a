import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectLive, emitAck, waitFor } from '../support/live-client';
import { followAll, post } from './feeds-support';

describe('feed.subscribe over /live', () => {
  let t: TestApp;
  let socket: Socket;

  beforeAll(async () => {
    t = await startApp({ name: 'feeds_live' });
    socket = await connectLive(t.baseUrl);
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  it('pushes feed.activity when an activity reaches the feed and feed.removed when deleted', async () => {
    const seen: { event: string; payload: unknown }[] = [];
    socket.on('feed.activity', (payload) => seen.push({ event: 'feed.activity', payload }));
    socket.on('feed.removed', (payload) => seen.push({ event: 'feed.removed', payload }));
    expect(await emitAck(socket, 'feed.subscribe', { playerId: 'fan' })).toEqual({
      subscription: 'feed:fan',
      playerId: 'fan',
    });
    await followAll(t, ['fan'], 'idol');
    await post(t, 'stranger', { verb: 'unrelated' });
    const a = await post(t, 'idol', { verb: 'scored' });
    await waitFor('feed.activity', () => seen.length >= 1);
    expect((await t.http.delete(`/v1/players/idol/activities/${a.id}`)).status).toBe(204);
    await waitFor('feed.removed', () => seen.length >= 2);
    expect(seen).toEqual([
      { event: 'feed.activity', payload: { activity: a } },
      { event: 'feed.removed', payload: { activityId: a.id } },
    ]);
  });

  it('pushes the player’s own new activity and stops after unsubscribe', async () => {
    const own: unknown[] = [];
    socket.on('feed.activity', (payload: { activity: { actor: string } }) => {
      if (payload.activity.actor === 'fan') own.push(payload);
    });
    const mine = await post(t, 'fan', { verb: 'self' });
    await waitFor('own activity', () => own.length === 1);
    expect(own).toEqual([{ activity: mine }]);
    expect(await emitAck(socket, 'unsubscribe', { subscription: 'feed:fan' })).toEqual({
      subscription: 'feed:fan',
      unsubscribed: true,
    });
    expect(await emitAck(socket, 'feed.subscribe', { playerId: 'bad id' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});
