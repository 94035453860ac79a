import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { feedMember, rowFromMember } from './activity-id';
import type {
  ActivityId,
  FeedLiveMessage,
  FeedRow,
  StoredActivity,
  WindowQuery,
} from './activity.types';

export type CreateReply = { created: boolean; activity: StoredActivity };
export type DeleteReply = StoredActivity | 'GONE' | 'NOT_FOUND';

/**
 * The only feeds code that talks to Redis (besides the fan-out queue). An activity lives once in
 * its author's hash; streams, feeds and board streams hold ids scored by event time (ms). Writes
 * into other players' feeds are one command per feed (a push-feed script, routed by its key):
 * never a cross-slot script.
 */
@Injectable()
export class FeedsRepository {
  private readonly ttlMs: number;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly config: AppConfig,
  ) {
    this.ttlMs = config.feeds.activityTtlMs;
  }

  /** Stores the activity (or finds the one stored for its foreignId) and adds it to the own feed. */
  async createActivity(a: StoredActivity, timeMs: number, nowMs: number): Promise<CreateReply> {
    const [status, json] = await this.redis.rfCreateActivity(
      3,
      this.keys.activities(a.actor),
      this.keys.activityStream(a.actor),
      this.keys.homeFeed(a.actor),
      a.id,
      JSON.stringify(a),
      timeMs,
      a.foreignId ?? '',
      nowMs,
      this.ttlMs,
      this.config.feeds.streamMaxItems,
      this.config.feeds.maxItems,
      feedMember(a.id, a.actor),
    );
    return { created: status === 'CREATED', activity: JSON.parse(json) as StoredActivity };
  }

  /** Removes it from the author's hash, stream and own feed; leaves a tombstone. */
  async deleteActivity(actor: string, id: ActivityId, nowMs: number): Promise<DeleteReply> {
    const reply = await this.redis.rfDeleteActivity(
      4,
      this.keys.activities(actor),
      this.keys.activityStream(actor),
      this.keys.homeFeed(actor),
      this.keys.activityTombstones(actor),
      id,
      feedMember(id, actor),
      nowMs,
      this.ttlMs,
    );
    if (reply === 'GONE' || reply === 'NOT_FOUND') return reply;
    return JSON.parse(reply) as StoredActivity;
  }

  /** The author's own rows, newest first. */
  async streamWindow(actor: string, q: WindowQuery): Promise<FeedRow[]> {
    const flat = await this.window(this.keys.activityStream(actor), q);
    const rows: FeedRow[] = [];
    for (let i = 0; i < flat.length; i += 2)
      rows.push({ id: flat[i], actor, t: Number(flat[i + 1]) });
    return rows;
  }

  /** Rows of a player's materialized home feed, newest first. */
  async feedWindow(playerId: string, q: WindowQuery): Promise<FeedRow[]> {
    return this.memberRows(await this.window(this.keys.homeFeed(playerId), q));
  }

  /** Rows of a board's activity stream, newest first. */
  async boardWindow(boardId: string, q: WindowQuery): Promise<FeedRow[]> {
    return this.memberRows(await this.window(this.keys.boardActivities(boardId), q));
  }

  /**
   * Stored activities for rows (null where gone: deleted, erased or expired): one HMGET per
   * author (each author's hash is in its own slot), so a page of one author's rows is one command.
   */
  async bodies(rows: FeedRow[]): Promise<(StoredActivity | null)[]> {
    const byActor = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const at = byActor.get(r.actor);
      if (at) at.push(i);
      else byActor.set(r.actor, [i]);
    });
    const out: (StoredActivity | null)[] = rows.map(() => null);
    await Promise.all(
      [...byActor].map(async ([actor, at]) => {
        const texts = await this.redis.hmget(
          this.keys.activities(actor),
          ...at.map((i) => rows[i].id),
        );
        texts.forEach((t, k) => {
          if (t !== null) out[at[k]] = JSON.parse(t) as StoredActivity;
        });
      }),
    );
    return out;
  }

  async activityExists(actor: string, id: ActivityId): Promise<boolean> {
    return (await this.redis.hexists(this.keys.activities(actor), id)) === 1;
  }

  async getActivity(actor: string, id: ActivityId): Promise<StoredActivity | null> {
    const text = await this.redis.hget(this.keys.activities(actor), id);
    return text === null ? null : (JSON.parse(text) as StoredActivity);
  }

  /** Adds a board activity to the board's stream (capped by count and age). */
  async addToBoard(boardId: string, row: FeedRow, nowMs: number): Promise<void> {
    const key = this.keys.boardActivities(boardId);
    await Promise.all([
      this.redis.zadd(key, row.t, feedMember(row.id, row.actor)),
      this.redis.zremrangebyscore(key, '-inf', `(${nowMs - this.ttlMs}`),
      this.redis.zremrangebyrank(key, 0, -(this.config.feeds.streamMaxItems + 1)),
      this.redis.pexpire(key, this.ttlMs),
    ]);
  }

  async removeFromBoard(boardId: string, id: ActivityId, actor: string): Promise<void> {
    await this.redis.zrem(this.keys.boardActivities(boardId), feedMember(id, actor));
  }

  /**
   * One row into each player's feed: one push-feed script per feed (add, cap by count and age,
   * refresh the TTL). Each is routed by its own key, so this works unchanged on Cluster.
   */
  async addToFeeds(playerIds: string[], row: FeedRow, nowMs: number): Promise<void> {
    const member = feedMember(row.id, row.actor);
    await Promise.all(playerIds.map((p) => this.pushFeed(p, nowMs, [row.t, member])));
  }

  /** Several rows into one player's feed (backfill on follow). */
  async addRowsToFeed(playerId: string, rows: FeedRow[], nowMs: number): Promise<void> {
    if (rows.length === 0) return;
    await this.pushFeed(
      playerId,
      nowMs,
      rows.flatMap((r) => [r.t, feedMember(r.id, r.actor)]),
    );
  }

  private pushFeed(playerId: string, nowMs: number, pairs: (string | number)[]): Promise<number> {
    return this.redis.rfPushFeed(
      1,
      this.keys.homeFeed(playerId),
      this.config.feeds.maxItems,
      nowMs - this.ttlMs,
      this.ttlMs,
      ...pairs,
    );
  }

  /** Removes members (`<id>:<actor>`) from each player's feed, one ZREM per feed. */
  async removeFromFeeds(playerIds: string[], members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    const removed = await Promise.all(
      playerIds.map((p) => this.redis.zrem(this.keys.homeFeed(p), ...members)),
    );
    return removed.reduce((sum, n) => sum + n, 0);
  }

  /** Newest `n` rows of the author's stream within the retention. */
  async recentStream(actor: string, n: number, nowMs: number): Promise<FeedRow[]> {
    return this.streamWindow(actor, {
      since: nowMs - this.ttlMs,
      until: null,
      after: null,
      limit: n,
    });
  }

  /** Every id of the author's stream (capped by FEED_STREAM_MAX_ITEMS). */
  async allStreamIds(actor: string): Promise<ActivityId[]> {
    return this.redis.zrange(this.keys.activityStream(actor), 0, -1);
  }

  /** Deletes everything of an author's activities: hash, stream, tombstones, own feed. */
  async dropAuthor(playerId: string): Promise<void> {
    await Promise.all([
      this.redis.del(this.keys.activities(playerId)),
      this.redis.del(this.keys.activityStream(playerId)),
      this.redis.del(this.keys.activityTombstones(playerId)),
      this.redis.del(this.keys.homeFeed(playerId)),
    ]);
  }

  // Follower graph, read only (the social module writes it): counts and resumable SSCANs.

  async followerCount(playerId: string): Promise<number> {
    return this.redis.scard(this.keys.followers(playerId));
  }

  /** One SSCAN step over a player's followers: [next cursor ('0' = done), ids]. */
  async scanFollowers(
    playerId: string,
    cursor: string,
    count: number,
  ): Promise<[string, string[]]> {
    return this.redis.sscan(this.keys.followers(playerId), cursor, 'COUNT', count);
  }

  /** Authors above the fan-out threshold that this player follows. */
  async celebrityFollowees(playerId: string): Promise<string[]> {
    const celebs = await this.redis.zrange(this.keys.feedCelebrities(), 0, -1);
    if (celebs.length === 0) return [];
    const flags = await this.redis.smismember(this.keys.following(playerId), ...celebs);
    return celebs.filter((_, i) => flags[i] === 1);
  }

  async markCelebrity(playerId: string, followers: number): Promise<void> {
    await this.redis.zadd(this.keys.feedCelebrities(), followers, playerId);
  }

  async unmarkCelebrity(playerId: string): Promise<void> {
    await this.redis.zrem(this.keys.feedCelebrities(), playerId);
  }

  async publish(msg: FeedLiveMessage): Promise<void> {
    await this.redis.publish(this.keys.liveFeedsChannel(), JSON.stringify(msg));
  }

  /**
   * A page of a time-scored zset, newest first, as [member, time, ...]. From the newest, or below
   * a time, it is one plain range read (auto-pipelined with other requests' commands); after an
   * exact (time, id) position it is read-window.lua, which finds the position even when its member
   * was removed since. Within one time, both order members by bytes, reversed.
   */
  private window(key: string, q: WindowQuery): Promise<string[]> {
    const low = q.since === null ? '-inf' : String(q.since);
    if (q.limit <= 0) return Promise.resolve([]);
    if (q.after) return this.redis.rfReadWindow(1, key, q.after.t, q.after.id, low, q.limit);
    const high = q.until === null ? '+inf' : `(${q.until}`;
    return this.redis.zrevrangebyscore(key, high, low, 'WITHSCORES', 'LIMIT', 0, q.limit);
  }

  private memberRows(flat: string[]): FeedRow[] {
    const rows: FeedRow[] = [];
    for (let i = 0; i < flat.length; i += 2) rows.push(rowFromMember(flat[i], flat[i + 1]));
    return rows;
  }
}
