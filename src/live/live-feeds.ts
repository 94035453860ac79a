import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { Matches } from 'class-validator';
import { DomainError } from '../common/domain-error';
import { ID_MESSAGE, ID_PATTERN } from '../common/validation';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT, REDIS_SUBSCRIBER } from '../redis/redis.tokens';
import { LiveHub, socketData } from './live-hub';
import { liveMetrics } from './live.metrics';

/** `feed.subscribe` {playerId} (API §7). */
export class FeedSubscribeDto {
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;
}

/** What the fan-out worker publishes on the live feeds channel (src/feeds FeedLiveMessage). */
type FeedMessage = ({ playerIds: string[] } | { followersOf: string }) &
  (
    | { kind: 'activity'; activity: { id: string } & Record<string, unknown> }
    | { kind: 'removed'; activityId: string }
  );

/** Local feed subscribers checked against an author's followers per SMISMEMBER. */
const MEMBERSHIP_CHUNK = 1000;

/** Feed subscriptions one socket may hold. */
const MAX_FEEDS_PER_SOCKET = 10;
const FEED_PREFIX = 'feed:';
const feedRoom = (playerId: string): string => `f|${playerId}`;
const feedsOf = new WeakMap<Socket, Set<string>>();

/**
 * Home feeds over /live: `feed.subscribe` joins the socket to the player's feed room; the fan-out
 * worker publishes each batch of followers it wrote (and each removal) once on a pub/sub channel,
 * and every instance emits `feed.activity` / `feed.removed` to its local rooms. An activity of an
 * author above the fan-out threshold is published once with `followersOf`: each instance asks
 * which of its own watched feeds belong to followers (SMISMEMBER on the author's followers set, so
 * the cost follows the local subscribers, not the author's millions of followers). Pub/sub is
 * at-most-once: a client that reconnects re-reads `GET …/feed` for what it missed.
 */
@Injectable()
export class LiveFeeds implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveFeeds');
  private readonly channel: string;
  /** Players whose feed room exists or existed here (pruned when socket.io dropped the room). */
  private readonly watched = new Set<string>();
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.channel) this.deliver(message);
  };

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: RedisClient,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly hub: LiveHub,
  ) {
    this.channel = keys.liveFeedsChannel();
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  onApplicationShutdown(): void {
    this.subscriber.off('message', this.onMessage);
  }

  /**
   * Open mode or an API key (the handshake already required `read`) may watch any feed; a player
   * token only its own (API §7); anonymous sockets none.
   */
  async subscribe(socket: Socket, dto: FeedSubscribeDto) {
    const { principal } = socketData(socket);
    if (principal.kind === 'anonymous') {
      throw new DomainError('UNAUTHENTICATED', 'feeds need auth.token');
    }
    if (principal.kind === 'player' && principal.playerId !== dto.playerId) {
      throw new DomainError('FORBIDDEN', 'a player token may watch only its own feed');
    }
    const subscription = `${FEED_PREFIX}${dto.playerId}`;
    let mine = feedsOf.get(socket);
    if (!mine) {
      const created = new Set<string>();
      feedsOf.set(socket, created);
      socket.once('disconnect', () =>
        liveMetrics.subscriptions.dec({ kind: 'feed' }, created.size),
      );
      mine = created;
    }
    if (!mine.has(subscription)) {
      if (mine.size >= MAX_FEEDS_PER_SOCKET) {
        throw new DomainError(
          'RATE_LIMITED',
          `at most ${MAX_FEEDS_PER_SOCKET} feeds per connection`,
        );
      }
      mine.add(subscription);
      liveMetrics.subscriptions.inc({ kind: 'feed' });
      this.watched.add(dto.playerId);
      await socket.join(feedRoom(dto.playerId));
    }
    return { subscription, playerId: dto.playerId };
  }

  /** True when `subscription` names a feed (the gateway routes `unsubscribe` here then). */
  owns(subscription: string): boolean {
    return subscription.startsWith(FEED_PREFIX);
  }

  unsubscribe(socket: Socket, subscription: string) {
    const mine = feedsOf.get(socket);
    const had = mine?.delete(subscription) ?? false;
    if (had) {
      liveMetrics.subscriptions.dec({ kind: 'feed' });
      void socket.leave(feedRoom(subscription.slice(FEED_PREFIX.length)));
    }
    return { subscription, unsubscribed: had };
  }

  private deliver(text: string): void {
    const ns = this.hub.namespace;
    if (!ns) return;
    let msg: FeedMessage;
    try {
      msg = JSON.parse(text) as FeedMessage;
    } catch (error) {
      this.logger.warn(`bad feed message: ${String(error)}`);
      return;
    }
    if ('followersOf' in msg) {
      this.followersWatching(msg.followersOf).then(
        (playerIds) => this.emit(msg, playerIds),
        (error: unknown) => this.logger.warn(`feed delivery skipped: ${String(error)}`),
      );
      return;
    }
    this.emit(msg, msg.playerIds);
  }

  /** The locally watched feeds whose players follow `author`. */
  private async followersWatching(author: string): Promise<string[]> {
    const rooms = this.hub.namespace?.adapter.rooms;
    for (const p of this.watched) if (!rooms?.has(feedRoom(p))) this.watched.delete(p);
    const local = [...this.watched];
    const found: string[] = [];
    for (let i = 0; i < local.length; i += MEMBERSHIP_CHUNK) {
      const chunk = local.slice(i, i + MEMBERSHIP_CHUNK);
      const flags = await this.redis.smismember(this.keys.followers(author), ...chunk);
      chunk.forEach((p, k) => {
        if (flags[k] === 1) found.push(p);
      });
    }
    return found;
  }

  private emit(msg: FeedMessage, playerIds: string[]): void {
    const ns = this.hub.namespace;
    if (!ns) return;
    const targets = playerIds.map(feedRoom).filter((r) => ns.adapter.rooms.has(r));
    if (targets.length === 0) return;
    const recipients = targets.reduce((n, r) => n + (ns.adapter.rooms.get(r)?.size ?? 0), 0);
    if (msg.kind === 'activity') {
      ns.to(targets).emit('feed.activity', { activity: msg.activity });
      liveMetrics.messages.inc({ event: 'feed.activity' }, recipients);
    } else {
      ns.to(targets).emit('feed.removed', { activityId: msg.activityId });
      liveMetrics.messages.inc({ event: 'feed.removed' }, recipients);
    }
  }
}
