import { Injectable } from '@nestjs/common';
import { CursorCodec, cursorOf } from '../common/cursor-codec';
import { DomainError } from '../common/domain-error';
import type { Profile } from '../players/player.types';
import { ProfilesRepository } from '../players/profiles.repository';
import { SocialGraphService } from '../social/social-graph.service';
import type { Cycle, Period } from './cycles';
import type { PlayerId, RankedEntry, StoredBoard } from './leaderboard.types';
import { LeaderboardsRepository } from './leaderboards.repository';

/** Player ids per read-ranks.lua call. */
const RANKS_CHUNK = 500;

export type FriendEntry = RankedEntry & { friendRank: number; profile?: Profile };

interface FriendsCursor {
  b: string;
  p: string;
  c: string;
  o: PlayerId;
  s: number;
  id: PlayerId;
}

const isFriendsCursor = cursorOf<FriendsCursor>(['b', 'p', 'c', 'o', 'id'], ['s']);

/**
 * The friends leaderboard (API §3): the board restricted to a player and everyone they follow
 * (the `following` set, at most FOLLOWING_MAX ids, so never the whole board). One read-ranks.lua
 * call per 500 ids gives exact global ranks; the circle is sorted by global rank (then id) and
 * `friendRank` = 1 + the number of friends ranked strictly better, so friends tied on a `shared`
 * board share a friend rank too. The cursor carries the last entry's score and id, never a rank.
 */
@Injectable()
export class FriendsBoardService {
  constructor(
    private readonly repo: LeaderboardsRepository,
    private readonly social: SocialGraphService,
    private readonly profiles: ProfilesRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async friends(
    board: StoredBoard,
    period: Period,
    cycle: Cycle,
    playerId: PlayerId,
    limit: number,
    cursor: string | undefined,
    explicitCycle: boolean,
  ) {
    const after = cursor
      ? this.decode(cursor, board, period, cycle, playerId, explicitCycle)
      : null;
    const circle = [playerId, ...(await this.social.followingSet(playerId))];
    const ranked = await this.rankAll(board, period, cycle.id, [...new Set(circle)]);
    ranked.sort((a, b) => a.rank - b.rank || (a.playerId < b.playerId ? -1 : 1));
    let friendRank = 0;
    const withFriendRank: FriendEntry[] = ranked.map((e, i) => {
      if (i === 0 || ranked[i - 1].rank !== e.rank) friendRank = i + 1;
      return { ...e, friendRank };
    });
    const start = after ? this.startAfter(board, withFriendRank, after) : 0;
    const page = withFriendRank.slice(start, start + limit);
    const last = page[page.length - 1];
    const nextCursor =
      start + limit < withFriendRank.length && last
        ? this.cursors.encode({
            b: board.boardId,
            p: period,
            c: cycle.id,
            o: playerId,
            s: last.score,
            id: last.playerId,
          })
        : null;
    return { total: ranked.length, entries: await this.withProfiles(page), nextCursor };
  }

  private async rankAll(board: StoredBoard, period: Period, cycle: string, ids: PlayerId[]) {
    const out: RankedEntry[] = [];
    for (let i = 0; i < ids.length; i += RANKS_CHUNK) {
      const { entries } = await this.repo.ranks(
        board,
        period,
        cycle,
        ids.slice(i, i + RANKS_CHUNK),
        true,
      );
      for (const e of entries) if (e) out.push(e);
    }
    return out;
  }

  /**
   * Index of the first entry after the cursor's (score, id): entries with a worse score, or the
   * same score and later in the list than the cursor's player (when it still holds that score;
   * otherwise, on a `shared` board, a greater id).
   */
  private startAfter(board: StoredBoard, list: FriendEntry[], c: FriendsCursor): number {
    const worse = (s: number) => (board.order === 'desc' ? s < c.s : s > c.s);
    const at = list.findIndex((e) => e.playerId === c.id && e.score === c.s);
    if (at >= 0) return at + 1;
    const i = list.findIndex((e) => worse(e.score) || (e.score === c.s && e.playerId > c.id));
    return i < 0 ? list.length : i;
  }

  private decode(
    cursor: string,
    board: StoredBoard,
    period: Period,
    cycle: Cycle,
    playerId: PlayerId,
    explicitCycle: boolean,
  ): FriendsCursor {
    const c = this.cursors.decode(cursor, isFriendsCursor);
    const list = c.b === board.boardId && c.p === period && c.o === playerId;
    if (!list || (explicitCycle && c.c !== cycle.id)) {
      throw new DomainError('INVALID_CURSOR', 'cursor belongs to another list');
    }
    if (c.c !== cycle.id) {
      throw new DomainError('CURSOR_EXPIRED', 'the cycle this cursor was paging has ended');
    }
    return c;
  }

  private async withProfiles(entries: FriendEntry[]): Promise<FriendEntry[]> {
    const profiles = await this.profiles.getMany(entries.map((e) => e.playerId));
    return entries.map((e) => {
      const p = profiles.get(e.playerId);
      const view: FriendEntry = {
        rank: e.rank,
        friendRank: e.friendRank,
        playerId: e.playerId,
        score: e.score,
      };
      if (e.metadata) view.metadata = e.metadata;
      if (p) view.profile = p;
      return view;
    });
  }
}
