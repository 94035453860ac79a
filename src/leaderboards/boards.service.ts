import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CursorCodec, cursorOf } from '../common/cursor-codec';
import { DomainError, validationFailed } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { currentCycle } from './cycle-policy';
import {
  isValidTimeZone,
  Period,
  PERIODS,
  parseCycleId,
  retainedUntil,
  cyclesBetween,
} from './cycles';
import type { PutBoardDto } from './dto/board.dto';
import {
  BOARD_ACTIVITY_KINDS,
  BoardConfig,
  DEFAULT_BOARD_ACTIVITIES,
  StoredBoard,
} from './leaderboard.types';
import { LeaderboardsRepository } from './leaderboards.repository';

export interface BoardView extends BoardConfig {
  current: {
    period: Period;
    cycle: string;
    startsAt: string | null;
    endsAt: string | null;
    entries: number;
  }[];
}

/** How long a hot path may reuse a board's configuration, and how many boards are kept. */
const CONFIG_CACHE_MS = 1000;
const CONFIG_CACHE_MAX = 10_000;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A change that ends live subscriptions: the board is gone, or anonymous readers lost it. */
export interface BoardChange {
  boardId: string;
  change: 'deleted' | 'private';
}
export type BoardChangeListener = (change: BoardChange) => Promise<void> | void;

/** Board configuration rules (API §1). */
@Injectable()
export class BoardsService {
  private readonly cache = new Map<string, { board: StoredBoard; until: number }>();
  private readonly listeners: BoardChangeListener[] = [];

  constructor(
    private readonly repo: LeaderboardsRepository,
    private readonly clock: Clock,
    private readonly cursors: CursorCodec,
  ) {}

  async put(boardId: string, dto: PutBoardDto): Promise<{ created: boolean; board: BoardView }> {
    const existing = await this.repo.getBoard(boardId);
    const board = this.buildConfig(
      boardId,
      dto,
      existing?.createdAt ?? this.clock.now().toISOString(),
    );
    this.cache.delete(boardId);
    const reply = await this.repo.putBoard(board);
    this.cache.delete(boardId);
    if (reply.startsWith('CONFLICT:')) {
      const field = reply.slice('CONFLICT:'.length);
      throw new DomainError('CONFLICT', `${field} cannot change once the board has scores`, [
        { field, reason: 'immutable once the board has scores' },
      ]);
    }
    if (existing?.public && !board.public) await this.changed({ boardId, change: 'private' });
    return { created: reply === 'CREATED', board: await this.view(boardId) };
  }

  /**
   * Loads a board or throws BOARD_NOT_FOUND; anonymous callers see only public boards.
   * `cached`: the hot paths (submit, reads) may use a configuration up to CONFIG_CACHE_MS old.
   * Their scripts read what must be fresh (existence, order, policy, version) from Redis itself;
   * what may lag on other instances for that long is timezone, periods, limits and `public`.
   */
  async load(
    boardId: string,
    principal?: Principal,
    opts: { cached?: boolean } = {},
  ): Promise<StoredBoard> {
    const hit = opts.cached ? this.cache.get(boardId) : undefined;
    const board = hit && hit.until > Date.now() ? hit.board : await this.fetch(boardId);
    if (!board) throw new DomainError('BOARD_NOT_FOUND', `board ${boardId} does not exist`);
    if (principal?.kind === 'anonymous' && !board.public) {
      throw new DomainError('UNAUTHENTICATED', 'this board is not public: send X-API-Key');
    }
    return board;
  }

  private async fetch(boardId: string): Promise<StoredBoard | null> {
    const board = await this.repo.getBoard(boardId);
    if (!board) this.cache.delete(boardId);
    else {
      if (this.cache.size >= CONFIG_CACHE_MAX) this.cache.clear();
      this.cache.set(boardId, { board, until: Date.now() + CONFIG_CACHE_MS });
    }
    return board;
  }

  async view(boardId: string, principal?: Principal): Promise<BoardView> {
    const board = await this.load(boardId, principal);
    const now = this.clock.now();
    const current = await Promise.all(
      board.periods.map(async (period) => {
        const c = currentCycle(board, period, now);
        const entries = await this.repo.cycleSize(boardId, period, c.id);
        return { period, cycle: c.id, startsAt: iso(c.startsAt), endsAt: iso(c.endsAt), entries };
      }),
    );
    return { ...publicConfig(board), current };
  }

  async list(
    limit: number,
    cursor: string | undefined,
  ): Promise<{ boards: BoardConfig[]; nextCursor: string | null }> {
    const after = cursor ? this.cursors.decode(cursor, isBoardCursor).after : null;
    const ids = await this.repo.listBoardIds(after, limit + 1);
    const page = ids.slice(0, limit);
    // The index is written after the config: tolerate ids whose board is gone.
    const boards = (await Promise.all(page.map((id) => this.repo.getBoard(id)))).filter(
      (b): b is StoredBoard => b !== null,
    );
    const nextCursor =
      ids.length > limit ? this.cursors.encode({ after: page[page.length - 1] }) : null;
    return { boards: boards.map(publicConfig), nextCursor };
  }

  async delete(boardId: string): Promise<void> {
    this.cache.delete(boardId);
    if (!(await this.repo.deleteBoard(boardId))) {
      throw new DomainError('BOARD_NOT_FOUND', `board ${boardId} does not exist`);
    }
    await this.changed({ boardId, change: 'deleted' });
  }

  /**
   * In-process hook, so the live path can end subscriptions without this module depending on it:
   * told after a delete and after a PUT that made a public board private, before the answer.
   * Listeners handle their own failures (the change itself has succeeded).
   */
  onChange(listener: BoardChangeListener): void {
    this.listeners.push(listener);
  }

  private async changed(change: BoardChange): Promise<void> {
    await Promise.allSettled(this.listeners.map(async (listener) => listener(change)));
  }

  /** Retained cycles of a period, newest first, with bounds. */
  async cycles(boardId: string, period: Period, principal: Principal) {
    const board = await this.load(boardId, principal);
    if (!board.periods.includes(period)) {
      throw validationFailed(
        'period',
        `is not a period of this board (${board.periods.join(', ')})`,
      );
    }
    const now = this.clock.now();
    const current = currentCycle(board, period, now);
    const stored = await this.repo.cycles(boardId, period);
    const cycles = stored
      .map((s) => parseCycleId(period, s.cycle, board.timezone))
      .filter((c) => c !== null)
      .filter((c) => period === 'all' || cyclesBetween(c, current, board.timezone) <= board.retain)
      .map((c) => ({
        cycle: c.id,
        startsAt: iso(c.startsAt),
        endsAt: iso(c.endsAt),
        current: c.id === current.id,
        retainedUntil: iso(retainedUntil(c, board.timezone, board.retain)),
      }));
    if (period === 'all')
      cycles.push({
        cycle: 'all',
        startsAt: null,
        endsAt: null,
        current: true,
        retainedUntil: null,
      });
    return { boardId, period, cycles };
  }

  /** Removes a player from every cycle of one board (current and retained). */
  async removePlayer(boardId: string, playerId: string): Promise<void> {
    const board = await this.load(boardId);
    await this.removeFrom(board, playerId);
  }

  /** Erase-everywhere (API §4): every board the player's index names. */
  async erasePlayer(playerId: string): Promise<void> {
    for (const boardId of await this.repo.playerBoardIds(playerId)) {
      const board = await this.repo.getBoard(boardId);
      if (board) await this.removeFrom(board, playerId);
    }
    await this.repo.forgetPlayerBoards(playerId);
  }

  private async removeFrom(board: StoredBoard, playerId: string): Promise<void> {
    const cycles: { period: Period; cycle: string }[] = [];
    for (const period of board.periods) {
      if (period === 'all') cycles.push({ period, cycle: 'all' });
      else
        for (const c of await this.repo.cycles(board.boardId, period))
          cycles.push({ period, cycle: c.cycle });
    }
    if (cycles.length > 0) await this.repo.removePlayer(board, playerId, cycles);
  }

  private buildConfig(boardId: string, dto: PutBoardDto, createdAt: string): BoardConfig {
    const timezone = dto.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone)) throw validationFailed('timezone', 'is not an IANA time zone');
    if (dto.minScore !== undefined && dto.maxScore !== undefined && dto.minScore > dto.maxScore) {
      throw validationFailed('minScore', 'must not exceed maxScore');
    }
    const periods = PERIODS.filter((p) => (dto.periods ?? ['all']).includes(p));
    return {
      boardId,
      title: dto.title ?? boardId,
      order: dto.order ?? 'desc',
      update: dto.update ?? 'best',
      periods,
      timezone,
      retain: dto.retain ?? 7,
      ties: dto.ties ?? 'shared',
      minScore: dto.minScore ?? null,
      maxScore: dto.maxScore ?? null,
      integer: dto.integer ?? false,
      public: dto.public ?? false,
      capacity: dto.capacity ?? null,
      graceSeconds: dto.graceSeconds ?? 60,
      createdAt,
      activities: BOARD_ACTIVITY_KINDS.filter((k) =>
        (dto.activities ?? DEFAULT_BOARD_ACTIVITIES).includes(k),
      ),
    };
  }
}

function publicConfig(b: StoredBoard): BoardConfig {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { version, hasScores, ...config } = b;
  return config;
}

const isBoardCursor = cursorOf<{ after: string }>(['after']);
