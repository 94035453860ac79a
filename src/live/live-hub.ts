import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../auth/principal';
import type { Period } from '../leaderboards/cycles';
import { liveMetrics } from './live.metrics';
import {
  BoardUpdated,
  CycleEnded,
  Entry,
  RankChanged,
  rooms,
  ViewSpec,
  viewId,
  viewKeyPart,
  ViewState,
} from './live.types';

/** A view with at least one subscriber on this instance, and what this instance last sent for it. */
export interface LocalView {
  id: string;
  key: string;
  spec: ViewSpec;
  members: number;
  epoch: string | null;
  seq: number;
  cycle: string | null;
  /** What its room holds at (epoch, seq), when known here: ticks skip views no move reaches. */
  entries: Entry[] | null;
}

export type SocketSub =
  | { kind: 'board'; spec: ViewSpec }
  | { kind: 'rank'; boardId: string; period: Period; playerId: string };

/** Per-socket state (socket.data). */
export interface SocketData {
  principal: Principal;
  subs: Map<string, SocketSub>;
  /** Set while the socket's send buffer is over the limit; cleared with a snapshot. */
  slowSince: number | null;
  skipped: boolean;
}

/** Up to this much random delay is added to `server.shutdown`'s retryAfterMs. */
export const SHUTDOWN_JITTER_MS = 1000;

export const socketData = (socket: Socket): SocketData => socket.data as SocketData;

/**
 * This instance's sockets, rooms and views. Every broadcast goes to a socket.io room, so a payload
 * is serialized once per instance whatever the number of subscribers.
 */
@Injectable()
export class LiveHub {
  private ns: Namespace | null = null;
  readonly views = new Map<string, LocalView>();
  private readonly byBoard = new Map<string, Set<string>>();
  /** Boards with `rank.subscribe` subscriptions here → how many. */
  private readonly rankBoards = new Map<string, number>();
  /**
   * Resolves once this instance hears the board's submissions and view updates (LiveSubscriber
   * subscribes to its channels on the first local view or rank subscription); asked on every
   * join, so later joins wait for it too.
   */
  onBoardWatched: (boardId: string) => Promise<void> = async () => undefined;
  /** The board's last local view and rank subscription are gone: nothing of it is needed here. */
  onBoardUnwatched: (boardId: string) => void = () => undefined;
  /** Told whenever a view's cycle is seen (the ticker schedules `cycle.ended` on a change). */
  onCycleSeen: (view: LocalView, cycle: string) => void = (view, cycle) => {
    view.cycle = cycle;
  };

  attach(ns: Namespace): void {
    this.ns = ns;
  }

  get namespace(): Namespace | null {
    return this.ns;
  }

  hasViews(boardId: string): boolean {
    return this.byBoard.has(boardId);
  }

  boardsWithViews(): string[] {
    return [...this.byBoard.keys()];
  }

  /** Boards with local views or rank subscriptions: those whose channels this instance hears. */
  boardsWatched(): string[] {
    return [...new Set([...this.byBoard.keys(), ...this.rankBoards.keys()])];
  }

  /** Boards watched here only through `rank.subscribe` (no view): nothing else re-checks them. */
  boardsWithRanksOnly(): string[] {
    return [...this.rankBoards.keys()].filter((b) => !this.byBoard.has(b));
  }

  viewsOf(boardId: string): LocalView[] {
    return [...(this.byBoard.get(boardId) ?? [])]
      .map((id) => this.views.get(id))
      .filter((v): v is LocalView => v !== undefined);
  }

  /** Adds a board subscription to a socket (idempotent per view); returns the local view. */
  async joinView(socket: Socket, spec: ViewSpec): Promise<LocalView> {
    const id = viewId(spec);
    const data = socketData(socket);
    let view = this.views.get(id);
    if (!view) {
      view = {
        id,
        key: viewKeyPart(spec),
        spec,
        members: 0,
        epoch: null,
        seq: 0,
        cycle: null,
        entries: null,
      };
      this.views.set(id, view);
      if (!this.byBoard.has(spec.boardId)) this.byBoard.set(spec.boardId, new Set());
      this.byBoard.get(spec.boardId)?.add(id);
      liveMetrics.views.inc();
    }
    if (!data.subs.has(id)) {
      data.subs.set(id, { kind: 'board', spec });
      view.members += 1;
      liveMetrics.subscriptions.inc({ kind: 'board' });
      await socket.join([rooms.view(id), rooms.cycles(spec.boardId, spec.period)]);
    }
    await this.onBoardWatched(spec.boardId);
    return view;
  }

  async joinRank(
    socket: Socket,
    id: string,
    sub: Extract<SocketSub, { kind: 'rank' }>,
  ): Promise<void> {
    const data = socketData(socket);
    if (data.subs.has(id)) return;
    data.subs.set(id, sub);
    this.rankBoards.set(sub.boardId, (this.rankBoards.get(sub.boardId) ?? 0) + 1);
    liveMetrics.subscriptions.inc({ kind: 'rank' });
    await socket.join(rooms.rank(id));
    await this.onBoardWatched(sub.boardId);
  }

  /** Removes one subscription; false when the socket had no such subscription. */
  leave(socket: Socket, id: string): boolean {
    const data = socketData(socket);
    const sub = data.subs.get(id);
    if (!sub) return false;
    data.subs.delete(id);
    if (sub.kind === 'rank') {
      const n = (this.rankBoards.get(sub.boardId) ?? 1) - 1;
      if (n > 0) this.rankBoards.set(sub.boardId, n);
      else {
        this.rankBoards.delete(sub.boardId);
        if (!this.byBoard.has(sub.boardId)) this.onBoardUnwatched(sub.boardId);
      }
      liveMetrics.subscriptions.dec({ kind: 'rank' });
      void socket.leave(rooms.rank(id));
      return true;
    }
    liveMetrics.subscriptions.dec({ kind: 'board' });
    void socket.leave(rooms.view(id));
    const { boardId, period } = sub.spec;
    const samePeriod = [...data.subs.values()].some(
      (s) => s.kind === 'board' && s.spec.boardId === boardId && s.spec.period === period,
    );
    if (!samePeriod) void socket.leave(rooms.cycles(boardId, period));
    const view = this.views.get(id);
    if (view && --view.members <= 0) this.dropView(view);
    return true;
  }

  leaveAll(socket: Socket): void {
    for (const id of [...socketData(socket).subs.keys()]) this.leave(socket, id);
  }

  /**
   * A subscriber's ack carried this state. Before the room was ever sent an update, that is what
   * it holds, so older updates still in flight are skipped and a lost one is noticed (the sweep).
   */
  noteAcked(view: LocalView, state: ViewState): void {
    if (view.epoch !== null) return;
    view.epoch = state.epoch;
    view.seq = state.seq;
    view.entries = state.entries;
  }

  /** Broadcasts a published update to the view's local room, skipping slow sockets. */
  deliverUpdate(update: BoardUpdated, text: string): void {
    const view = this.views.get(update.subscription);
    if (!view || !this.ns) return;
    if (view.epoch === update.epoch && update.seq <= view.seq) return;
    view.entries = applied(view, update);
    view.epoch = update.epoch;
    view.seq = update.seq;
    this.onCycleSeen(view, update.cycle);
    const room = rooms.view(update.subscription);
    const members = this.ns.adapter.rooms.get(room);
    if (!members) return;
    const slow = this.ns.adapter.rooms.get(rooms.slow);
    let skipped = 0;
    if (slow) {
      for (const sid of slow) {
        if (!members.has(sid)) continue;
        skipped += 1;
        const s = this.ns.sockets.get(sid);
        if (s) socketData(s).skipped = true;
      }
    }
    this.broadcast(this.ns, room, update);
    this.count('board.updated', members.size - skipped, text.length);
    liveMetrics.skipped.inc(skipped);
  }

  /** The whole view to every local subscriber (after a pub/sub outage or a resync). */
  deliverSnapshot(update: BoardUpdated): void {
    const view = this.views.get(update.subscription);
    if (!view || !this.ns) return;
    view.epoch = update.epoch;
    view.seq = update.seq;
    view.entries = update.entries ?? null;
    this.onCycleSeen(view, update.cycle);
    const room = rooms.view(update.subscription);
    this.broadcast(this.ns, room, update);
    this.count(
      'board.updated',
      this.ns.adapter.rooms.get(room)?.size ?? 0,
      JSON.stringify(update).length,
    );
  }

  deliverRankChanged(subscription: string, msg: RankChanged): void {
    const room = rooms.rank(subscription);
    const size = this.ns?.adapter.rooms.get(room)?.size ?? 0;
    if (!this.ns || size === 0) return;
    this.ns.to(room).emit('rank.changed', msg);
    this.count('rank.changed', size, JSON.stringify(msg).length);
  }

  deliverCycleEnded(msg: CycleEnded): void {
    const room = rooms.cycles(msg.boardId, msg.period);
    const size = this.ns?.adapter.rooms.get(room)?.size ?? 0;
    if (!this.ns || size === 0) return;
    this.ns.to(room).emit('cycle.ended', msg);
    this.count('cycle.ended', size, JSON.stringify(msg).length);
  }

  /**
   * Shutdown (SIGTERM path): every socket is told `server.shutdown` {reconnect: true, retryAfterMs}
   * and then disconnected. A server-side disconnect stops socket.io-client's own reconnection, so
   * clients reconnect themselves after `retryAfterMs`: the shutdown delay (load balancers stop
   * routing here by then) plus up to 1 s of per-socket jitter, so they do not all come back at once.
   */
  announceShutdown(delayMs: number): void {
    if (!this.ns) return;
    for (const socket of this.ns.sockets.values()) {
      const retryAfterMs = delayMs + Math.floor(Math.random() * SHUTDOWN_JITTER_MS);
      const notice = { reconnect: true, retryAfterMs };
      socket.emit('server.shutdown', notice);
      this.count('server.shutdown', 1, JSON.stringify(notice).length);
      socket.disconnect(true);
    }
  }

  /** One serialization, then a write per socket: the event loop is held for all of them. */
  private broadcast(ns: Namespace, room: string, update: BoardUpdated): void {
    const end = liveMetrics.fanoutDuration.startTimer();
    ns.to(room).except(rooms.slow).emit('board.updated', update);
    end();
  }

  private count(event: string, recipients: number, bytes: number): void {
    if (recipients <= 0) return;
    liveMetrics.messages.inc({ event }, recipients);
    liveMetrics.bytes.inc(bytes * recipients);
  }

  private dropView(view: LocalView): void {
    this.views.delete(view.id);
    const ids = this.byBoard.get(view.spec.boardId);
    ids?.delete(view.id);
    if (ids?.size === 0) {
      this.byBoard.delete(view.spec.boardId);
      if (!this.rankBoards.has(view.spec.boardId)) this.onBoardUnwatched(view.spec.boardId);
    }
    liveMetrics.views.dec();
  }
}

/** The view's entries after `update` (null when they cannot be known from what came before). */
function applied(view: LocalView, update: BoardUpdated): Entry[] | null {
  if (update.entries) return update.entries;
  if (!view.entries || view.epoch !== update.epoch || view.seq !== update.prevSeq) return null;
  const next = [...view.entries];
  for (const c of update.changes ?? []) next[c.position] = c.entry;
  next.length = update.size;
  return next;
}
