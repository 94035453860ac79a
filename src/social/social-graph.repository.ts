import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { FollowSide, PlayerId } from './social.types';

/**
 * The follower graph: two sets per player, `following` (canonical, the follower's side) and
 * `followers` (the followee's side, used for fan-out). A follow spans two cluster slots, so it is
 * two idempotent writes (DESIGN §2), ordered so the only half-done state is "in the follower's
 * `following`, missing from the followee's `followers`": follow writes `following` first, unfollow
 * removes from `followers` first. A retry of either finishes the job.
 */
@Injectable()
export class SocialGraphRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** 'added' | 'exists' (both sides (re)written either way) | 'full' (nothing written). */
  async follow(followerId: PlayerId, targetId: PlayerId, max: number) {
    const added = await this.redis.rfAddFollowing(
      1,
      this.keys.following(followerId),
      targetId,
      max,
    );
    if (added === -1) return 'full' as const;
    // Written even when `following` already held the edge: that is how a retry repairs.
    await this.redis.sadd(this.keys.followers(targetId), followerId);
    return added === 1 ? ('added' as const) : ('exists' as const);
  }

  /** Returns true when the follower's side held the edge. */
  async unfollow(followerId: PlayerId, targetId: PlayerId): Promise<boolean> {
    await this.redis.srem(this.keys.followers(targetId), followerId);
    return (await this.redis.srem(this.keys.following(followerId), targetId)) === 1;
  }

  /** SCARD of one side. */
  async count(side: FollowSide, playerId: PlayerId): Promise<number> {
    return this.redis.scard(this.key(side, playerId));
  }

  /** One SSCAN step: the next cursor ('0' at the end) and a batch (may repeat members). */
  async scan(
    side: FollowSide,
    playerId: PlayerId,
    cursor: string,
    count: number,
  ): Promise<[string, PlayerId[]]> {
    return this.redis.sscan(this.key(side, playerId), cursor, 'COUNT', count);
  }

  /** Whether `playerId` follows each of `ids` (canonical side), in order. */
  async followsEach(playerId: PlayerId, ids: PlayerId[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const flags = await this.redis.smismember(this.keys.following(playerId), ...ids);
    return flags.map((f) => f === 1);
  }

  async follows(followerId: PlayerId, targetId: PlayerId): Promise<boolean> {
    return (await this.redis.sismember(this.keys.following(followerId), targetId)) === 1;
  }

  /** Up to `count` distinct random members of a player's `following` (all when it is smaller). */
  async sampleFollowing(playerId: PlayerId, count: number): Promise<PlayerId[]> {
    return this.redis.srandmember(this.keys.following(playerId), count);
  }

  /** Removes `playerId` from each listed player's side `side` (erase, one SREM per key). */
  async removeFromEach(side: FollowSide, ownerIds: PlayerId[], playerId: PlayerId): Promise<void> {
    await Promise.all(ownerIds.map((id) => this.redis.srem(this.key(side, id), playerId)));
  }

  /** Deletes both of a player's sets. */
  async deleteSets(playerId: PlayerId): Promise<void> {
    // Same hash tag: one UNLINK is valid on a cluster.
    await this.redis.unlink(this.keys.following(playerId), this.keys.followers(playerId));
  }

  private key(side: FollowSide, playerId: PlayerId): string {
    return side === 'following' ? this.keys.following(playerId) : this.keys.followers(playerId);
  }
}
