/**
 * The instance that recomputed a view last reads it right behind its claim on the next tick
 * (LiveViewsService.refresh with `held`), one round trip less than claim-then-read. That read is
 * used only if it saw at least the board version the claim did: when the two are reordered (here
 * the claim is held back until a submission lands), the view is read again, so it never stores
 * entries older than the version it is marked with.
 */
import type { StoredBoard } from '../../src/leaderboards/leaderboard.types';
import { BoardsService } from '../../src/leaderboards/boards.service';
import { LiveHub } from '../../src/live/live-hub';
import { LiveViewsService } from '../../src/live/live-views.service';
import { viewId, viewKeyPart, ViewSpec } from '../../src/live/live.types';
import { Keys } from '../../src/redis/keys';
import type { RedisClient } from '../../src/redis/redis-connections';
import { REDIS_CLIENT } from '../../src/redis/redis.tokens';
import { startApp, TestApp } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';

type Script = (...args: unknown[]) => Promise<unknown>;
interface ScriptClient {
  rfClaimView: Script;
  rfReadRange: Script;
}

describe('live: the holder of a view reads it behind its claim', () => {
  let t: TestApp;
  let views: LiveViewsService;
  let redis: ScriptClient;
  let n = 0;
  /** What happened, in order: claims and reads sent, claim replies. */
  let events: string[] = [];
  /** Runs before a claim is sent (the claim waits for it). */
  let beforeClaim: (() => Promise<unknown>) | null = null;
  let original: ScriptClient;

  beforeAll(async () => {
    t = await startApp({ name: 'live_held_read' });
    views = t.app.get(LiveViewsService);
    redis = t.app.get<ScriptClient>(REDIS_CLIENT);
    original = { rfClaimView: redis.rfClaimView, rfReadRange: redis.rfReadRange };
    // Pass-through wrappers on the app's own connection: every command still goes to Redis.
    redis.rfClaimView = (...args) => {
      events.push('claim sent');
      const send = async (): Promise<unknown> => {
        if (beforeClaim) await beforeClaim();
        return original.rfClaimView.apply(redis, args);
      };
      const reply = send();
      void reply.then(() => events.push('claim replied')).catch(() => undefined);
      return reply;
    };
    redis.rfReadRange = (...args) => {
      events.push('read sent');
      return original.rfReadRange.apply(redis, args);
    };
  });
  afterAll(async () => {
    Object.assign(redis, original);
    await t.close();
  });

  async function view(): Promise<{ board: StoredBoard; spec: ViewSpec }> {
    n += 1;
    const boardId = `held${n}`;
    expect((await t.http.put(`/v1/boards/${boardId}`, {})).status).toBe(201);
    await t.http.post(`/v1/boards/${boardId}/scores`, { playerId: 'first', score: 10 });
    const board = await t.app.get(BoardsService).load(boardId);
    return { board, spec: { boardId, period: 'all', type: 'top', limit: 10 } };
  }

  const tick = (board: StoredBoard, spec: ViewSpec, held: boolean) =>
    views.refresh(board, spec, 'tick', { held });

  it('sends the read before the claim replies only when it holds the view', async () => {
    const { board, spec } = await view();
    events = [];
    const first = await tick(board, spec, false);
    expect(first).toMatchObject({ kind: 'state', recomputed: true });
    expect(events).toEqual(['claim sent', 'claim replied', 'read sent']);

    await t.http.post(`/v1/boards/${board.boardId}/scores`, { playerId: 'second', score: 20 });
    events = [];
    const second = await tick(board, spec, true);
    expect(events).toEqual(['claim sent', 'read sent', 'claim replied']);
    expect(second).toMatchObject({ kind: 'state', recomputed: true });
    if (second.kind !== 'state') throw new Error('no state');
    expect(second.state.entries.map((e) => e.playerId)).toEqual(['second', 'first']);
    expect(second.state.seq).toBe(first.kind === 'state' ? first.state.seq + 1 : NaN);
  });

  it('reads again when the read behind the claim saw an older version than the claim', async () => {
    const { board, spec } = await view();
    await tick(board, spec, false);
    // The claim goes out only after a new top score is stored, so the read sent behind it runs
    // first and misses that score.
    beforeClaim = () =>
      t.http.post(`/v1/boards/${board.boardId}/scores`, { playerId: 'late', score: 99 });
    events = [];
    try {
      const r = await tick(board, spec, true);
      expect(r).toMatchObject({ kind: 'state', recomputed: true });
      if (r.kind !== 'state') throw new Error('no state');
      expect(r.state.entries.map((e) => e.playerId)).toEqual(['late', 'first']);
    } finally {
      beforeClaim = null;
    }
    expect(events).toEqual(['claim sent', 'read sent', 'claim replied', 'read sent']);
    // What REST reads is what the view now holds.
    const top = await t.http.get(`/v1/boards/${board.boardId}/top?limit=10`);
    expect(top.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'late',
      'first',
    ]);
  });

  it('drops the read behind the claim when another instance holds the view', async () => {
    const { board, spec } = await view();
    const first = await tick(board, spec, false);
    const submitted = await t.http.post(`/v1/boards/${board.boardId}/scores`, {
      playerId: 'second',
      score: 20,
    });
    expect(submitted.status).toBe(200);
    // Another instance is recomputing the view: its claim (another owner) holds the lock.
    const lockKey = new Keys(t.prefix).liveViewLock(board.boardId, viewKeyPart(spec));
    await t.app.get<RedisClient>(REDIS_CLIENT).set(lockKey, 'another-instance', 'PX', 60_000);
    events = [];
    const r = await tick(board, spec, true);
    expect(r).toMatchObject({ kind: 'state', deferred: true });
    if (r.kind !== 'state' || first.kind !== 'state') throw new Error('no state');
    // Nothing was stored from the dropped read: the state is still the first one.
    expect(r.state.seq).toBe(first.state.seq);
    expect(r.recomputed).toBeUndefined();
    expect(events).toEqual(['claim sent', 'read sent', 'claim replied']);
  });

  it("the ticker's next tick of a view it recomputed reads behind the claim", async () => {
    const { board, spec } = await view();
    const socket = await connectLive(t.baseUrl);
    try {
      const live = new LiveView(socket, {
        boardId: board.boardId,
        view: { type: 'top', limit: 10 },
      });
      await live.subscribe();
      const local = t.app.get(LiveHub).views.get(viewId(spec));
      await t.http.post(`/v1/boards/${board.boardId}/scores`, { playerId: 'second', score: 20 });
      await waitFor('the tick recomputed the view', () => local?.held === true);
      events = [];
      await t.http.post(`/v1/boards/${board.boardId}/scores`, { playerId: 'third', score: 30 });
      await waitFor('the client has the third score', () => live.entries[0]?.playerId === 'third');
      expect(events.slice(0, 3)).toEqual(['claim sent', 'read sent', 'claim replied']);
      expect(local?.held).toBe(true);
    } finally {
      socket.close();
    }
  });
});
