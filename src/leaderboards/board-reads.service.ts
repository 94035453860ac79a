import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { CursorCodec, cursorOf } from '../common/cursor-codec';
import { DomainError } from '../common/domain-error';
import type { Profile } from '../players/player.types';
import { ProfilesRepository } from '../players/profiles.repository';
import { BoardsService } from './boards.service';
import { resolveReadCycle } from './cycle-policy';
import type { Cycle, Period } from './cycles';
import type { Page, RankedEntry, StoredBoard } from './leaderboard.types';
import { LeaderboardsRepository } from './leaderboards.repository';

export interface ReadTarget {
  period?: Period;
  cycle?: string;
}

export type EntryView = RankedEntry & { profile?: Profile };

/** A top page's position; `b`, `p` and `c` name the list, so another board's cursor is refused. */
interface PageCursor {
  b: string;
  p: string;
  c: string;
  s: string;
  m: string;
}

const isPageCursor = cursorOf<PageCursor>(['b', 'p', 'c', 's', 'm']);

const EXPORT_CHUNK = 500;

/** Reading boards (API §3): exact ranks, keyset cursors, profiles joined in the same request. */
@Injectable()
export class BoardReadsService {
  constructor(
    private readonly boards: BoardsService,
    private readonly repo: LeaderboardsRepository,
    private readonly profiles: ProfilesRepository,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  /** Loads the board (configuration may be cached briefly) and resolves period/cycle. */
  async target(boardId: string, q: ReadTarget, principal: Principal) {
    const board = await this.boards.load(boardId, principal, { cached: true });
    const period = q.period ?? 'all';
    const cycle = resolveReadCycle(board, period, q.cycle, this.clock.now());
    return { board, period, cycle };
  }

  /** A page in rank order without profiles, with the ETag of its content. */
  async topPage(
    board: StoredBoard,
    period: Period,
    cycle: Cycle,
    limit: number,
    cursor: string | undefined,
    explicitCycle: boolean,
  ) {
    let query: { mode: 'top' } | { mode: 'after'; score: string; member: string } = { mode: 'top' };
    if (cursor) {
      const c = this.cursors.decode(cursor, isPageCursor);
      if (c.b !== board.boardId || c.p !== period || (explicitCycle && c.c !== cycle.id)) {
        throw new DomainError('INVALID_CURSOR', 'cursor belongs to another board, period or cycle');
      }
      if (c.c !== cycle.id)
        throw new DomainError('CURSOR_EXPIRED', 'the cycle this cursor was paging has ended');
      query = { mode: 'after', score: c.s, member: c.m };
    }
    const page = (await this.repo.range(board, period, cycle.id, limit, query, true)) as Page;
    const more = page.start + page.entries.length < page.total && page.last !== null;
    const nextCursor =
      more && page.last
        ? this.cursors.encode({
            b: board.boardId,
            p: period,
            c: cycle.id,
            s: page.last.score,
            m: page.last.member,
          })
        : null;
    // The ETag changes with the board's content (its version, read with the page) and the cycle.
    const etag = `W/"${page.version}-${period}-${cycle.id}"`;
    return { etag, total: page.total, nextCursor, entries: page.entries };
  }

  /** A page as REST returns it, profiles joined. */
  async top(
    board: StoredBoard,
    period: Period,
    cycle: Cycle,
    limit: number,
    cursor: string | undefined,
    explicitCycle: boolean,
  ) {
    const page = await this.topPage(board, period, cycle, limit, cursor, explicitCycle);
    return { ...page, entries: await this.withProfiles(page.entries) };
  }

  /** Joins profiles into a page's entries (after the ETag check, so a 304 skips it). */
  async joinProfiles(entries: RankedEntry[]): Promise<EntryView[]> {
    return this.withProfiles(entries);
  }

  async player(board: StoredBoard, period: Period, cycle: Cycle, playerId: string) {
    const { total, entries } = await this.repo.ranks(board, period, cycle.id, [playerId], true);
    const e = entries[0];
    if (!e) throw new DomainError('NOT_RANKED', `player ${playerId} has no score in this cycle`);
    const [view] = await this.withProfiles([e]);
    // Share of the board this player ranks at or above: rank 1 → 100, last → 100/total.
    const percentile = Math.round(((total - e.rank + 1) / total) * 10000) / 100;
    return { ...view, total, percentile };
  }

  async around(board: StoredBoard, period: Period, cycle: Cycle, playerId: string, radius: number) {
    const page = await this.repo.range(
      board,
      period,
      cycle.id,
      0,
      { mode: 'around', playerId, radius },
      true,
    );
    if (page === 'NOT_RANKED')
      throw new DomainError('NOT_RANKED', `player ${playerId} has no score in this cycle`);
    return { total: page.total, playerId, radius, entries: await this.withProfiles(page.entries) };
  }

  async ranks(board: StoredBoard, period: Period, cycle: Cycle, playerIds: string[]) {
    const unique = [...new Set(playerIds)];
    const { total, entries } = await this.repo.ranks(board, period, cycle.id, unique, true);
    const ranked = entries
      .filter((e): e is RankedEntry => e !== null)
      .sort((a, b) => a.rank - b.rank);
    const notRanked = unique.filter((_, i) => entries[i] === null);
    return { total, entries: await this.withProfiles(ranked), notRanked };
  }

  /** Rank order, EXPORT_CHUNK entries per Redis call; never the whole board in memory. */
  async *exportLines(board: StoredBoard, period: Period, cycle: Cycle): AsyncGenerator<string> {
    let query: { mode: 'top' } | { mode: 'after'; score: string; member: string } = { mode: 'top' };
    for (;;) {
      const page = (await this.repo.range(
        board,
        period,
        cycle.id,
        EXPORT_CHUNK,
        query,
        true,
      )) as Page;
      for (const e of page.entries) yield `${JSON.stringify(e)}\n`;
      if (!page.last || page.entries.length < EXPORT_CHUNK) return;
      query = { mode: 'after', ...page.last };
    }
  }

  private async withProfiles(entries: RankedEntry[]): Promise<EntryView[]> {
    const profiles = await this.profiles.getMany(entries.map((e) => e.playerId));
    return entries.map((e) => {
      const p = profiles.get(e.playerId);
      return p ? { ...e, profile: p } : e;
    });
  }
}
