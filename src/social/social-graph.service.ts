import { Injectable } from '@nestjs/common';
import { CursorCodec } from '../common/cursor-codec';
import { DomainError, validationFailed } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { ProfilesRepository } from '../players/profiles.repository';
import { pageOfSet, SetPosition } from './set-pager';
import { SocialEvents } from './social-events';
import { SocialGraphRepository } from './social-graph.repository';
import type { FollowSide, PlayerId, PlayerPage } from './social.types';

interface SetCursor {
  k: FollowSide;
  o: PlayerId;
  s: string;
  a: PlayerId | null;
}

function isSetCursor(v: unknown): v is SetCursor {
  const o = v as Record<string, unknown>;
  return (
    typeof v === 'object' &&
    v !== null &&
    (o.k === 'following' || o.k === 'followers') &&
    typeof o.o === 'string' &&
    typeof o.s === 'string' &&
    /^\d{1,20}$/.test(o.s) &&
    (o.a === null || typeof o.a === 'string')
  );
}

/** SSCAN COUNT for batch walks (fan-out, erase). */
const BATCH = 1000;

/** Follow, unfollow and reading the graph (API §5); the hooks other features build on. */
@Injectable()
export class SocialGraphService {
  constructor(
    private readonly repo: SocialGraphRepository,
    private readonly events: SocialEvents,
    private readonly profiles: ProfilesRepository,
    private readonly cursors: CursorCodec,
    private readonly config: AppConfig,
  ) {}

  /** Idempotent; both sides are (re)written on every call, then the hooks run. */
  async follow(followerId: PlayerId, targetId: PlayerId): Promise<void> {
    if (followerId === targetId)
      throw validationFailed('targetId', 'must not be the player itself');
    const max = this.config.social.followingMax;
    if ((await this.repo.follow(followerId, targetId, max)) === 'full') {
      throw new DomainError('CONFLICT', `a player may follow at most ${max} players`, {
        reason: 'FOLLOWING_LIMIT',
        max,
      });
    }
    await this.events.followed(followerId, targetId);
  }

  async unfollow(followerId: PlayerId, targetId: PlayerId): Promise<void> {
    if (followerId === targetId)
      throw validationFailed('targetId', 'must not be the player itself');
    await this.repo.unfollow(followerId, targetId);
    await this.events.unfollowed(followerId, targetId);
  }

  /** From the canonical sides, so a half-done follow already counts (as its author intended). */
  async relation(playerId: PlayerId, otherId: PlayerId) {
    const [following, followedBy] = await Promise.all([
      this.repo.follows(playerId, otherId),
      this.repo.follows(otherId, playerId),
    ]);
    return { following, followedBy };
  }

  /** One page of a follow set; see pageOfSet for the cursor guarantee. `total` is SCARD. */
  async page(
    side: FollowSide,
    playerId: PlayerId,
    limit: number,
    cursor: string | undefined,
  ): Promise<PlayerPage> {
    let from: SetPosition = { scan: '0', after: null };
    if (cursor) {
      const c = this.cursors.decode(cursor, isSetCursor);
      if (c.k !== side || c.o !== playerId) {
        throw new DomainError('INVALID_CURSOR', 'cursor belongs to another list');
      }
      from = { scan: c.s, after: c.a };
    }
    const count = Math.max(limit, 100);
    const [total, { members, next }] = await Promise.all([
      this.repo.count(side, playerId),
      pageOfSet((s) => this.repo.scan(side, playerId, s, count), from, limit),
    ]);
    const profiles = await this.profiles.getMany(members);
    const players = members.map((id) => {
      const profile = profiles.get(id);
      return profile ? { playerId: id, profile } : { playerId: id };
    });
    const nextCursor = next
      ? this.cursors.encode({ k: side, o: playerId, s: next.scan, a: next.after })
      : null;
    return { total, players, nextCursor };
  }

  /**
   * Everyone who follows `playerId`, in batches of up to 1,000 (SSCAN): for fan-out. A member may
   * appear in two batches if the set is resized during the walk, so consumers must be idempotent.
   */
  followerIds(playerId: PlayerId): AsyncGenerator<PlayerId[]> {
    return this.walk('followers', playerId);
  }

  /** Everyone `playerId` follows, in batches (same guarantee as followerIds). */
  followingIds(playerId: PlayerId): AsyncGenerator<PlayerId[]> {
    return this.walk('following', playerId);
  }

  /** SCARD of the followee side (decides fan-out on write vs merge at read). */
  followerCount(playerId: PlayerId): Promise<number> {
    return this.repo.count('followers', playerId);
  }

  followingCount(playerId: PlayerId): Promise<number> {
    return this.repo.count('following', playerId);
  }

  /** Whether `playerId` follows each of `ids` (canonical side), in order. */
  followsEach(playerId: PlayerId, ids: PlayerId[]): Promise<boolean[]> {
    return this.repo.followsEach(playerId, ids);
  }

  /** The distinct ids `playerId` follows, at most `max` (FOLLOWING_MAX by default). */
  async followingSet(
    playerId: PlayerId,
    max = this.config.social.followingMax,
  ): Promise<Set<PlayerId>> {
    const out = new Set<PlayerId>();
    for await (const batch of this.followingIds(playerId)) {
      for (const id of batch) {
        if (out.size >= max) return out;
        out.add(id);
      }
    }
    return out;
  }

  /**
   * Erase-everywhere: removes the player from the other side of every edge, then both of its sets.
   * Sets last, so a retry after a failure walks them again. An edge whose follow was half done (in
   * someone's `following` only) cannot be found from the erased player and stays behind as a
   * dangling id in that follower's own set until they unfollow or are erased.
   */
  async erasePlayer(playerId: PlayerId): Promise<void> {
    for await (const batch of this.walk('following', playerId)) {
      await this.repo.removeFromEach('followers', batch, playerId);
    }
    for await (const batch of this.walk('followers', playerId)) {
      await this.repo.removeFromEach('following', batch, playerId);
    }
    await this.repo.deleteSets(playerId);
  }

  private async *walk(side: FollowSide, playerId: PlayerId): AsyncGenerator<PlayerId[]> {
    let cursor = '0';
    do {
      const [next, batch] = await this.repo.scan(side, playerId, cursor, BATCH);
      if (batch.length > 0) yield [...new Set(batch)];
      cursor = next;
    } while (cursor !== '0');
  }
}
