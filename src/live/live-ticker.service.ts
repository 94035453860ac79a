import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { BoardsService } from '../leaderboards/boards.service';
import { currentCycle } from '../leaderboards/cycle-policy';
import type { StoredBoard } from '../leaderboards/leaderboard.types';
import { LiveCycleEnds } from './live-cycle-ends.service';
import { boardDeleted, LiveEndings } from './live-endings.service';
import { LiveHub, LocalView, socketData } from './live-hub';
import { checkFlow } from './live-flow';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { BoardUpdated, ViewState } from './live.types';
import { LiveViewsService, ReadCause } from './live-views.service';
import { mayChange, MAX_MOVES, Move } from './view-moves';

export const snapshotOf = (subscription: string, s: ViewState): BoardUpdated => ({
  subscription,
  epoch: s.epoch,
  seq: s.seq,
  prevSeq: s.seq,
  cycle: s.cycle,
  size: s.entries.length,
  entries: s.entries,
});

/**
 * The live tick: every LIVE_TICK_MS, the boards marked dirty (by submissions, a cycle rollover
 * seen on the injected clock, or the periodic sweep) have their local views refreshed — each view
 * is read and published by one instance only — then due `cycle.ended` events are sent
 * (LiveCycleEnds) and slow sockets are checked. Every LIVE_SWEEP_MS a tick is a sweep: every board
 * with local views is re-checked, and undelivered `cycle.ended` events are asked for again. One
 * tick at a time; its cost depends on dirty views, not on subscribers.
 */
@Injectable()
export class LiveTicker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveTicker');
  /** Boards whose every local view is re-checked next tick. */
  private dirty = new Set<string>();
  /** Boards dirtied by submissions only, with their rank moves: only views a move reaches. */
  private moved = new Map<string, Move[]>();
  /** Boards whose resync (snapshots to every local view) failed: retried as a resync next tick. */
  private resync = new Set<string>();
  private readonly boards = new Map<string, StoredBoard>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** When the next sweep is due (Date.now() ms): every local view re-checked (LIVE_SWEEP_MS). */
  private nextSweepMs: number;
  /** When the next tick is due (performance.now() ms). */
  private dueAt = performance.now();

  constructor(
    private readonly hub: LiveHub,
    private readonly views: LiveViewsService,
    private readonly boardsService: BoardsService,
    private readonly repo: LiveRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly endings: LiveEndings,
    private readonly cycleEnds: LiveCycleEnds,
  ) {
    this.nextSweepMs = Date.now() + config.live.sweepMs;
  }

  onModuleInit(): void {
    this.hub.onCycleSeen = (view, cycle) => this.noteCycle(view, cycle);
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  markDirty(boardId: string): void {
    this.dirty.add(boardId);
    this.moved.delete(boardId);
  }

  /** Submissions moved these ranks on the board: next tick re-checks the views they may reach. */
  markMoved(boardId: string, moves: Move[]): void {
    if (this.dirty.has(boardId)) return;
    const all = this.moved.get(boardId) ?? [];
    all.push(...moves);
    if (all.length > MAX_MOVES) this.markDirty(boardId);
    else this.moved.set(boardId, all);
  }

  /** Last known config of a board with local views (cycle rollover needs its time zone). */
  cachedBoard(boardId: string): StoredBoard | undefined {
    return this.boards.get(boardId);
  }

  rememberBoard(board: StoredBoard): void {
    this.boards.set(board.boardId, board);
  }

  /** Every local view gets a snapshot: pub/sub may have lost updates while it was down. */
  async resyncAll(): Promise<void> {
    await Promise.all(this.hub.boardsWithViews().map((b) => this.refreshBoard(b, 'resync', true)));
  }

  /** Snapshots of every view a socket holds (it skipped diffs while slow). */
  async sendSnapshots(socket: Socket): Promise<void> {
    for (const [id, sub] of socketData(socket).subs) {
      if (sub.kind !== 'board') continue;
      const board = this.boards.get(sub.spec.boardId);
      if (!board) continue;
      const r = await this.views.refresh(board, sub.spec, 'resync', { withEntries: true });
      if (r.kind === 'state') socket.emit('board.updated', snapshotOf(id, r.state));
      else this.markDirty(sub.spec.boardId);
    }
  }

  /**
   * Records the cycle a view is on; a change (or a view first seen just after a rollover)
   * schedules the finished cycle's `cycle.ended` (LiveCycleEnds).
   */
  noteCycle(view: LocalView, cycle: string): void {
    const old = view.cycle;
    view.cycle = cycle;
    const board = this.boards.get(view.spec.boardId);
    if (board && old !== cycle) this.cycleEnds.schedule(board, view.spec.period, old, cycle);
  }

  /**
   * Ticks run at a fixed rate: each is due LIVE_TICK_MS after the previous one was due, not after
   * it ended, so neither the tick's own Redis round trips nor a busy event loop stretch the
   * period. Ticks never overlap: when one ends after the next was due, the next starts at once
   * and the cadence continues from there (no burst of catch-up ticks).
   */
  private schedule(): void {
    if (this.stopped) return;
    const now = performance.now();
    this.dueAt = Math.max(this.dueAt + this.config.live.tickMs, now);
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.dueAt - now);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const end = liveMetrics.tickDuration.startTimer();
    try {
      const dirty = this.dirty;
      this.dirty = new Set();
      const moved = this.moved;
      this.moved = new Map();
      const resync = this.resync;
      this.resync = new Set();
      const sweep = Date.now() >= this.nextSweepMs;
      if (sweep) {
        this.nextSweepMs = Date.now() + this.config.live.sweepMs;
        for (const b of this.hub.boardsWithViews()) dirty.add(b);
      }
      this.addRolledOver(dirty);
      for (const b of dirty) moved.delete(b);
      await Promise.all([
        ...[...moved]
          .filter(([b]) => !resync.has(b))
          .map(([b, moves]) => this.refreshBoard(b, 'tick', false, false, moves)),
        ...[...resync].map((b) => this.refreshBoard(b, 'resync', true)),
        ...[...dirty]
          .filter((b) => !resync.has(b))
          .map((b) => this.refreshBoard(b, 'tick', false, sweep)),
        ...(sweep ? this.hub.boardsWithRanksOnly().map((b) => this.checkExists(b)) : []),
      ]);
      await this.cycleEnds.sendDue(this.boards, sweep);
      const ns = this.hub.namespace;
      if (ns)
        for (const socket of checkFlow(ns, Date.now()))
          void this.sendSnapshots(socket).catch(() => undefined);
    } catch (error) {
      this.logger.warn(`live tick failed: ${String(error)}`);
    } finally {
      end();
    }
  }

  /** Boards whose local views are on a cycle that is no longer the current one (clock moved). */
  private addRolledOver(dirty: Set<string>): void {
    const now = this.clock.now();
    for (const boardId of this.hub.boardsWithViews()) {
      const board = this.boards.get(boardId);
      if (!board) {
        dirty.add(boardId);
        continue;
      }
      for (const v of this.hub.viewsOf(boardId)) {
        if (v.cycle !== null && currentCycle(board, v.spec.period, now).id !== v.cycle)
          dirty.add(boardId);
      }
    }
  }

  private async refreshBoard(
    boardId: string,
    cause: ReadCause,
    snapshot: boolean,
    catchUp = false,
    moves: Move[] | null = null,
  ): Promise<void> {
    let local = this.hub.viewsOf(boardId);
    if (local.length === 0) return;
    // A failed resync is retried as one: as a plain tick it would find the state current and
    // send nothing (after a Redis restart, reads fail until the command connection is back).
    const retry = snapshot ? this.resync : this.dirty;
    let board: StoredBoard;
    try {
      // Configuration as the hot paths see it (at most a second old): the claim script checks
      // the board's existence and version itself, so a tick costs no extra round trip for it.
      board = await this.boardsService.load(boardId, undefined, { cached: true });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BOARD_NOT_FOUND') this.gone(boardId);
      else retry.add(boardId);
      return;
    }
    this.boards.set(boardId, board);
    // Only the views a move can reach. Not under a capacity: a trim drops other players too.
    if (moves && board.capacity === null) {
      // Grouped once per tick, so each view is checked against its own period's moves only.
      const byCycle = new Map<string, Move[]>();
      for (const m of moves) {
        const key = `${m.period}|${m.cycle}`;
        const group = byCycle.get(key);
        if (group) group.push(m);
        else byCycle.set(key, [m]);
      }
      local = local.filter((v) =>
        mayChange(v.spec, v.cycle, v.entries, byCycle.get(`${v.spec.period}|${v.cycle}`) ?? []),
      );
    }
    await Promise.all(
      local.map(async (view) => {
        try {
          const r = await this.views.refresh(board, view.spec, cause, {
            force: snapshot,
            withEntries: snapshot,
          });
          if (r.kind === 'busy') retry.add(boardId);
          // Held by another instance: what this one heard may be newer than that state.
          if (r.kind === 'state' && r.deferred) this.dirty.add(boardId);
          if (r.kind === 'gone') this.gone(boardId);
          if (r.kind !== 'state') return;
          this.noteCycle(view, r.state.cycle);
          if (snapshot) this.hub.deliverSnapshot(snapshotOf(view.id, r.state));
          else if (catchUp && !r.published) await this.catchUp(board, view, r.state);
        } catch (error) {
          retry.add(boardId);
          this.logger.warn(`live view refresh failed: ${String(error)}`);
        }
      }),
    );
  }

  /**
   * Pub/sub can lose an update without dropping the connection. The next update would show the gap
   * to clients (its prevSeq), but a board that then stays quiet would leave them stale. So each
   * sweep compares what this instance last sent a view's room with the stored state, and sends the
   * missing updates from the replay log, or a snapshot when the log no longer reaches back (or the
   * epoch moved on). An update still in flight on pub/sub is sent by whichever path comes first;
   * the room never gets it twice (deliverUpdate skips seqs it has sent).
   */
  private async catchUp(board: StoredBoard, view: LocalView, state: ViewState): Promise<void> {
    if (view.epoch === null || (view.epoch === state.epoch && view.seq >= state.seq)) return;
    if (view.epoch === state.epoch) {
      const missing = (await this.repo.log(board.boardId, view.key))
        .map((text) => ({ text, update: JSON.parse(text) as BoardUpdated }))
        .filter(({ update }) => update.epoch === view.epoch && update.seq > view.seq);
      if (missing.length > 0 && missing[0].update.prevSeq === view.seq) {
        for (const { update, text } of missing) this.hub.deliverUpdate(update, text);
        return;
      }
    }
    const r = await this.views.refresh(board, view.spec, 'resync', { withEntries: true });
    if (r.kind === 'state') this.hub.deliverSnapshot(snapshotOf(view.id, r.state));
  }

  /** A board watched only through `rank.subscribe`: the sweep's existence check for it. */
  private async checkExists(boardId: string): Promise<void> {
    try {
      await this.boardsService.load(boardId, undefined, { cached: true });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BOARD_NOT_FOUND') this.gone(boardId);
    }
  }

  /** The board was deleted: its subscriptions end here even if the control message was lost. */
  private gone(boardId: string): void {
    this.boards.delete(boardId);
    this.endings.endBoard(boardId, boardDeleted(boardId));
  }
}
