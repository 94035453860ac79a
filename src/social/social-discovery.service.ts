import { Injectable } from '@nestjs/common';
import { CursorCodec, cursorOf } from '../common/cursor-codec';
import { DomainError } from '../common/domain-error';
import { SocialGraphService } from './social-graph.service';
import { SocialGraphRepository } from './social-graph.repository';
import type { PlayerId, Suggestion } from './social.types';

/** Followees sampled per suggestions request (SRANDMEMBER, distinct). */
export const SUGGEST_FOLLOWEES = 100;
/** Followings sampled from each sampled followee. */
export const SUGGEST_PER_FOLLOWEE = 200;
/** SMISMEMBER chunk size. */
const CHUNK = 500;

interface MutualCursor {
  m: string;
  a: PlayerId;
}

const isMutualCursor = cursorOf<MutualCursor>(['m', 'a']);

/** Mutual followings and suggestions: cluster-safe (no cross-slot SINTER), bounded per request. */
@Injectable()
export class SocialDiscoveryService {
  constructor(
    private readonly graph: SocialGraphService,
    private readonly repo: SocialGraphRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /**
   * Players both follow, in id order. SSCAN of the smaller `following` set (≤ FOLLOWING_MAX) and
   * SMISMEMBER against the other: two slots on a cluster, so no SINTER.
   */
  async mutual(playerId: PlayerId, otherId: PlayerId, limit: number, cursor?: string) {
    const pair = `${playerId}/${otherId}`;
    const after = cursor ? this.decodeMutual(cursor, pair) : null;
    const [mine, theirs] = await Promise.all([
      this.graph.followingCount(playerId),
      this.graph.followingCount(otherId),
    ]);
    const [small, large] = mine <= theirs ? [playerId, otherId] : [otherId, playerId];
    const both: PlayerId[] = [];
    for await (const batch of this.graph.followingIds(small)) {
      for (let i = 0; i < batch.length; i += CHUNK) {
        const chunk = batch.slice(i, i + CHUNK);
        const flags = await this.repo.followsEach(large, chunk);
        chunk.forEach((id, j) => flags[j] && both.push(id));
      }
    }
    const ordered = [...new Set(both)].sort().filter((id) => after === null || id > after);
    const page = ordered.slice(0, limit);
    const nextCursor =
      ordered.length > limit ? this.cursors.encode({ m: pair, a: page[page.length - 1] }) : null;
    return { players: page.map((id) => ({ playerId: id })), nextCursor };
  }

  /**
   * Players followed by those `playerId` follows, not followed by `playerId` (nor themselves), most
   * overlap first, then by id. Work is bounded: at most SUGGEST_FOLLOWEES random followees and
   * SUGGEST_PER_FOLLOWEE random followings of each, so the answer is exact for smaller graphs and
   * a sample-based approximation beyond (the follower count of anyone never matters).
   */
  async suggestions(playerId: PlayerId, limit: number): Promise<Suggestion[]> {
    const followees = await this.repo.sampleFollowing(playerId, SUGGEST_FOLLOWEES);
    const lists = await Promise.all(
      followees.map((id) => this.repo.sampleFollowing(id, SUGGEST_PER_FOLLOWEE)),
    );
    const overlap = new Map<PlayerId, number>();
    for (const list of lists) {
      for (const id of new Set(list)) {
        if (id !== playerId) overlap.set(id, (overlap.get(id) ?? 0) + 1);
      }
    }
    const candidates = [...overlap.keys()];
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const chunk = candidates.slice(i, i + CHUNK);
      const flags = await this.repo.followsEach(playerId, chunk);
      chunk.forEach((id, j) => flags[j] && overlap.delete(id));
    }
    return [...overlap.entries()]
      .map(([id, n]) => ({ playerId: id, overlap: n }))
      .sort((a, b) => b.overlap - a.overlap || (a.playerId < b.playerId ? -1 : 1))
      .slice(0, limit);
  }

  private decodeMutual(cursor: string, pair: string): PlayerId {
    const c = this.cursors.decode(cursor, isMutualCursor);
    if (c.m !== pair) throw new DomainError('INVALID_CURSOR', 'cursor belongs to another pair');
    return c.a;
  }
}
