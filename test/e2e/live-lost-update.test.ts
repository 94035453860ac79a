import type { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { LOG_CAP } from '../../src/live/live.repository';
import { Entry, viewId, viewKeyPart, ViewSpec } from '../../src/live/live.types';
import { diffView } from '../../src/live/view-diff';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';
import { connectStandalone } from '../support/test-redis';

const STORE_VIEW = readFileSync(join(__dirname, '../../src/redis/lua/store-view.lua'), 'utf8');

/**
 * Pub/sub is at-most-once: a `board.updated` can be lost without the connection dropping. On a
 * busy board the next update shows the gap (prevSeq) and the client resumes; on a quiet board
 * there is no next update, so the periodic sweep must notice and send what is missing.
 */
describe('a board.updated lost on pub/sub', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({ name: 'live_lost_update' });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await redis.quit();
    await t.close();
  });

  const restTop = async (boardId: string): Promise<Entry[]> =>
    (await t.http.get(`/v1/boards/${boardId}/top?limit=5`)).body.entries as Entry[];

  /**
   * A real change of the board whose update is stored but never heard: the score is written
   * straight into the board's sorted set (no dirty signal; the board's version is unchanged, so
   * no tick recomputes the view), and store-view.lua itself advances the view's state and replay
   * log to the REST top, publishing on a channel no instance listens to.
   */
  async function loseAnUpdate(spec: ViewSpec, playerId: string, score: number) {
    await redis.zadd(keys.cycleScores(spec.boardId, 'all', 'all'), score, playerId);
    const key = viewKeyPart(spec);
    const state = await redis.hgetall(keys.liveViewState(spec.boardId, key));
    const prev = {
      epoch: state.epoch,
      cycle: state.cycle,
      seq: Number(state.seq),
      entries: JSON.parse(state.entries) as Entry[],
    };
    const entries = await restTop(spec.boardId);
    const update = diffView(viewId(spec), prev, { epoch: prev.epoch, cycle: prev.cycle, entries });
    if (!update) throw new Error('the direct write did not change the view');
    const stored = await redis.eval(
      STORE_VIEW,
      3,
      keys.liveViewState(spec.boardId, key),
      keys.liveViewLog(spec.boardId, key),
      keys.liveViewLock(spec.boardId, key),
      prev.epoch,
      String(prev.seq),
      prev.epoch,
      prev.cycle,
      update.seq,
      state.ver,
      JSON.stringify(entries),
      JSON.stringify(update),
      LOG_CAP,
      600_000,
      `${t.prefix}:nobody-listens`,
      'test',
    );
    expect(stored).toBe('OK');
    return { update, entries };
  }

  it('reaches the subscribers of a quiet board from the replay log at the next sweep', async () => {
    await t.http.put('/v1/boards/quiet', {});
    await t.http.post('/v1/boards/quiet/scores', { playerId: 'a', score: 10 });
    const spec: ViewSpec = { boardId: 'quiet', period: 'all', type: 'top', limit: 5 };
    const socket = await connectLive(t.baseUrl);
    sockets.push(socket);
    const view = new LiveView(socket, { boardId: 'quiet', view: { type: 'top', limit: 5 } });
    const ack = await view.subscribe();

    const { update, entries } = await loseAnUpdate(spec, 'b', 20);
    expect(update.prevSeq).toBe(ack.seq);

    // The sweep runs every 5 s; waitFor only bounds the wait.
    await waitFor('the lost update', () => view.seq === update.seq);
    expect(view.received.at(-1)).toEqual(update); // the logged diff itself, not a snapshot
    expect(view.resumes).toBe(0);
    expect(view.entries).toEqual(entries);
    expect(view.entries.map((e) => e.playerId)).toEqual(['b', 'a']);
  });
});
