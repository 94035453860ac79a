import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../ops/health/health-registry';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_SUBSCRIBER } from '../redis/redis.tokens';
import { LiveCycleEnds } from './live-cycle-ends.service';
import { LiveHub } from './live-hub';
import { LiveEndings } from './live-endings.service';
import type { BoardUpdated, CycleEnded, DirtyMessage, LiveControl } from './live.types';
import { rankSubscriptionId } from './live.types';
import { LiveTicker } from './live-ticker.service';
import { movesOf } from './view-moves';

/**
 * The pub/sub side of the live path. Two channels per board, subscribed only while this instance
 * has local views or rank subscriptions of it: its submissions (dirty: → the ticker, and
 * `rank.changed` straight to the submitter's subscribers) and its computed view updates (→ local
 * rooms). Shared channels: `cycle.ended` (→
 * LiveCycleEnds, which emits each once per instance and re-reads lost ones from Redis), and what
 * to end (deleted boards, boards made private, ended sessions → LiveEndings). Pub/sub is
 * at-most-once (DESIGN §8), so after the subscriber reconnects every local view gets a snapshot;
 * while it is down, readiness fails.
 */
@Injectable()
export class LiveSubscriber implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveSubscriber');
  private subscribed = false;
  private closing = false;
  private readonly channels: { cycles: string; control: string };
  /** Every board's view-update channel starts so (Keys.liveViewsChannel). */
  private readonly viewsPrefix: string;
  /** Every board's dirty channel starts so (Keys.liveDirtyChannel). */
  private readonly dirtyPrefix: string;
  /** Boards whose channels this instance subscribed to → the SUBSCRIBE (awaited by joins). */
  private readonly watched = new Map<string, Promise<void>>();
  private readonly onMessage = (channel: string, message: string): void =>
    this.handle(channel, message);
  private readonly onClose = (): void => {
    this.subscribed = false;
  };
  private readonly onReady = (): void => void this.resubscribe();

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: RedisClient,
    private readonly keys: Keys,
    private readonly hub: LiveHub,
    private readonly ticker: LiveTicker,
    private readonly endings: LiveEndings,
    private readonly cycleEnds: LiveCycleEnds,
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {
    this.channels = {
      cycles: keys.liveCyclesChannel(),
      control: keys.liveControlChannel(),
    };
    this.viewsPrefix = keys.liveViewsChannel('');
    this.dirtyPrefix = keys.liveDirtyChannel('');
  }

  get healthy(): boolean {
    return this.subscribed && this.subscriber.status === 'ready';
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('close', this.onClose);
    this.subscriber.on('ready', this.onReady);
    this.hub.onBoardWatched = (boardId) => this.watch(boardId);
    this.hub.onBoardUnwatched = (boardId) => this.unwatch(boardId);
    await this.subscribeAll();
    const registry = this.healthRegistry();
    registry?.addCheck('live', () => (this.healthy ? null : 'live pub/sub subscription is down'));
    // Shutdown: tell live clients to reconnect (to another instance), then close their sockets.
    registry?.onShutdown('live', () => this.hub.announceShutdown(this.config.ops.shutdownDelayMs));
  }

  onApplicationShutdown(): void {
    this.closing = true;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('close', this.onClose);
    this.subscriber.off('ready', this.onReady);
  }

  private healthRegistry(): HealthRegistry | null {
    try {
      return this.moduleRef.get(HealthRegistry, { strict: false });
    } catch {
      return null;
    }
  }

  /** The channels of a board this instance has live subscribers of. */
  private boardChannels(boardId: string): string[] {
    return [this.keys.liveDirtyChannel(boardId), this.keys.liveViewsChannel(boardId)];
  }

  /** The shared channels and the channels of every watched board (idempotent). */
  private async subscribeAll(): Promise<void> {
    const boards = this.hub.boardsWatched().flatMap((b) => this.boardChannels(b));
    await this.subscriber.subscribe(...Object.values(this.channels), ...boards);
    this.subscribed = true;
  }

  /**
   * The board's first local view or rank subscription subscribes to its channels; every join
   * waits for that SUBSCRIBE, so a submission or an update published after the join's state was
   * read reaches this instance. Commands on the one pub/sub connection run in order, so an
   * UNSUBSCRIBE still in flight from the board's previous last subscriber cannot undo it.
   */
  private watch(boardId: string): Promise<void> {
    let subscribed = this.watched.get(boardId);
    if (!subscribed) {
      subscribed = this.subscriber.subscribe(...this.boardChannels(boardId)).then(() => undefined);
      const mine = subscribed;
      mine.catch(() => {
        if (this.watched.get(boardId) === mine) this.watched.delete(boardId);
      });
      this.watched.set(boardId, subscribed);
    }
    return subscribed;
  }

  private unwatch(boardId: string): void {
    this.watched.delete(boardId);
    // A failure leaves an extra subscription at worst: its messages find no local view.
    this.subscriber.unsubscribe(...this.boardChannels(boardId)).catch(() => undefined);
  }

  /** After a reconnect: subscribe again (idempotent), then snapshots for every local view. */
  private async resubscribe(): Promise<void> {
    if (this.closing) return;
    try {
      await this.subscribeAll();
      // After a Redis restart the command connection may come back after this one: reads that
      // fail then are retried as a resync by the ticker, not dropped.
      await this.ticker.resyncAll();
    } catch (error) {
      this.logger.warn(`live resubscribe failed: ${String(error)}`);
    }
  }

  private handle(channel: string, message: string): void {
    try {
      if (channel.startsWith(this.viewsPrefix)) {
        this.hub.deliverUpdate(JSON.parse(message) as BoardUpdated, message);
      } else if (channel.startsWith(this.dirtyPrefix)) {
        this.dirty(JSON.parse(message) as DirtyMessage);
      } else if (channel === this.channels.cycles) {
        this.cycleEnds.deliver(JSON.parse(message) as CycleEnded);
      } else if (channel === this.channels.control) {
        this.endings.handle(JSON.parse(message) as LiveControl);
      }
    } catch (error) {
      this.logger.warn(`bad live message on ${channel}: ${String(error)}`);
    }
  }

  private dirty(msg: DirtyMessage): void {
    for (const e of msg.events) {
      if (this.hub.hasViews(e.boardId)) this.ticker.markMoved(e.boardId, movesOf(e));
      for (const p of e.periods) {
        this.hub.deliverRankChanged(rankSubscriptionId(e.boardId, p.period, e.playerId), {
          boardId: e.boardId,
          period: p.period,
          cycle: p.cycle,
          playerId: e.playerId,
          rank: p.rank,
          previousRank: p.previousRank,
          score: p.score,
        });
      }
    }
  }
}
