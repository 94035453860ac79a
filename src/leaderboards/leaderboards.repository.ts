import { Inject, Injectable } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { DomainError } from '../common/domain-error';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { ScriptReply } from '../redis/scripts';
import { boardFromFields, boardToFields } from './board-codec';
import type { Period } from './cycles';
import { submitScriptArgs } from './submit-script-args';
import type {
  BoardConfig,
  BoardId,
  CycleTarget,
  Metadata,
  Page,
  PlayerId,
  RankedEntry,
  StoredBoard,
} from './leaderboard.types';

export type SubmitReply =
  { kind: 'applied' | 'replayed'; json: string } | { kind: 'error'; code: SubmitErrorCode };

export type SubmitErrorCode = 'BOARD_NOT_FOUND' | 'IDEMPOTENCY_KEY_REUSED' | 'VALIDATION_FAILED';

/** All applied or replayed, in order; or the first refused submission (0-based) and nothing written. */
export type SubmitManyReply =
  | { kind: 'done'; replies: { kind: 'applied' | 'replayed'; json: string }[] }
  | { kind: 'error'; code: SubmitErrorCode; index: number };

export interface SubmitEntry {
  playerId: PlayerId;
  /** Exact decimal text of the score. */
  score: string;
  metadata: string;
  targets: CycleTarget[];
  idempotency: { key: string; fingerprint: string; ttlMs: number } | null;
}

export interface SubmitCommand extends SubmitEntry {
  board: StoredBoard;
  mode: 'submit' | 'set';
}

export type RangeQuery =
  | { mode: 'top' }
  | { mode: 'after'; score: string; member: string }
  | { mode: 'around'; playerId: PlayerId; radius: number };

/** The only leaderboard code that talks to Redis. Ranks are 1-based, best first. */
@Injectable()
export class LeaderboardsRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Creates or updates; 'CONFLICT:<field>' when an immutable field would change under scores. */
  async putBoard(board: BoardConfig): Promise<string> {
    const reply = await this.redis.rfPutBoard(
      1,
      this.keys.boardConfig(board.boardId),
      ...boardToFields(board),
    );
    // Index after the config: a crash in between leaves a board a retried PUT will list.
    if (reply === 'CREATED' || reply === 'UPDATED') {
      await this.redis.zadd(this.keys.boardIndex(), 0, board.boardId);
    }
    return reply;
  }

  async getBoard(boardId: BoardId): Promise<StoredBoard | null> {
    return boardFromFields(boardId, await this.redis.hgetall(this.keys.boardConfig(boardId)));
  }

  /** Board ids in id order, strictly after `after`. */
  async listBoardIds(after: string | null, limit: number): Promise<string[]> {
    const min = after === null ? '-' : `(${after}`;
    return this.redis.zrangebylex(this.keys.boardIndex(), min, '+', 'LIMIT', 0, limit);
  }

  /** Removes the config first (stopping submissions), then every other key of the board. */
  async deleteBoard(boardId: BoardId): Promise<boolean> {
    const existed = (await this.redis.del(this.keys.boardConfig(boardId))) === 1;
    await this.unlinkMatching(this.keys.boardPattern(boardId));
    await this.redis.zrem(this.keys.boardIndex(), boardId);
    return existed;
  }

  async submit(cmd: SubmitCommand): Promise<SubmitReply> {
    const reply = await this.submitMany(cmd.board, cmd.mode, [cmd]);
    return reply.kind === 'error' ? { kind: 'error', code: reply.code } : reply.replies[0];
  }

  /**
   * Applies submissions in order in one script, all or nothing: every check (idempotency records,
   * the board's existence, integer overflow) passes for all of them before the first write.
   */
  async submitMany(
    board: StoredBoard,
    mode: 'submit' | 'set',
    entries: SubmitEntry[],
  ): Promise<SubmitManyReply> {
    const { keys, args } = submitScriptArgs(this.keys, board, mode, entries);
    // Each player's board index is written alongside: if it fails the caller sees an error and
    // its retry (same idempotency keys) repairs it; an extra index entry is harmless to readers.
    const players = [...new Set(entries.map((e) => e.playerId))];
    const [reply] = await Promise.all([
      this.redis.rfSubmitScore(keys.length, ...keys, ...args),
      ...players.map((p) => this.redis.sadd(this.keys.playerBoards(p), board.boardId)),
    ]);
    if (typeof reply === 'string') {
      const [code, index] = reply.slice(1).split(':');
      return { kind: 'error', code: code as SubmitErrorCode, index: Number(index) - 1 };
    }
    return {
      kind: 'done',
      replies: reply.map((r) => ({
        kind: r[0] === 'R' ? 'replayed' : 'applied',
        json: r.slice(1),
      })),
    };
  }

  /** One page in rank order (ranks exact under both tie policies). */
  async range(
    board: StoredBoard,
    period: Period,
    cycle: string,
    limit: number,
    query: RangeQuery,
    withMetadata: boolean,
  ): Promise<Page | 'NOT_RANKED'> {
    const args: (string | number)[] = [board.order, board.ties, limit, query.mode];
    if (query.mode === 'after') args.push(query.score, query.member);
    else if (query.mode === 'around') args.push(query.playerId, query.radius);
    else args.push('', '');
    args.push(withMetadata ? '1' : '0');
    const reply = await this.redis.rfReadRange(
      3,
      this.keys.cycleScores(board.boardId, period, cycle),
      this.keys.cycleEntries(board.boardId, period, cycle),
      this.keys.boardConfig(board.boardId),
      ...args,
    );
    if (reply === 'NOT_RANKED') return 'NOT_RANKED';
    if (reply === 'BOARD_NOT_FOUND') throw boardNotFound(board.boardId);
    const rows = reply as ScriptReply[];
    const entries: RankedEntry[] = [];
    let last = null;
    for (let i = 3; i < rows.length; i += 4) {
      const member = String(rows[i]);
      const score = String(rows[i + 1]);
      entries.push(
        entry(this.playerOf(board, member), score, Number(rows[i + 2]), String(rows[i + 3])),
      );
      last = { score, member };
    }
    return {
      total: Number(rows[0]),
      start: Number(rows[1]),
      version: Number(rows[2]),
      entries,
      last,
    };
  }

  /** Rank and score of each given player (null when not on the cycle), plus the cycle's size. */
  async ranks(
    board: StoredBoard,
    period: Period,
    cycle: string,
    playerIds: PlayerId[],
    withMetadata: boolean,
  ): Promise<{ total: number; entries: (RankedEntry | null)[] }> {
    const reply = await this.redis.rfReadRanks(
      3,
      this.keys.cycleScores(board.boardId, period, cycle),
      this.keys.cycleEntries(board.boardId, period, cycle),
      this.keys.boardConfig(board.boardId),
      board.order,
      board.ties,
      withMetadata ? '1' : '0',
      ...playerIds,
    );
    if ((reply as unknown) === 'BOARD_NOT_FOUND') throw boardNotFound(board.boardId);
    const entries = playerIds.map((playerId, i) => {
      const score = String(reply[1 + 3 * i]);
      if (score === '') return null;
      return entry(playerId, score, Number(reply[2 + 3 * i]), String(reply[3 + 3 * i]));
    });
    return { total: Number(reply[0]), entries };
  }

  async cycleSize(boardId: BoardId, period: Period, cycle: string): Promise<number> {
    return this.redis.zcard(this.keys.cycleScores(boardId, period, cycle));
  }

  /** Cycle ids of a period that hold scores, newest first, with their start (ms). */
  async cycles(boardId: BoardId, period: Period): Promise<{ cycle: string; startsAtMs: number }[]> {
    const flat = await this.redis.zrevrange(
      this.keys.cycleIndex(boardId, period),
      0,
      -1,
      'WITHSCORES',
    );
    const out = [];
    for (let i = 0; i < flat.length; i += 2)
      out.push({ cycle: flat[i], startsAtMs: Number(flat[i + 1]) });
    return out;
  }

  /** Removes a player from the given cycles of a board; returns how many held them. */
  async removePlayer(
    board: StoredBoard,
    playerId: PlayerId,
    cycles: { period: Period; cycle: string }[],
  ): Promise<number> {
    const keys = cycles.flatMap((c) => [
      this.keys.cycleScores(board.boardId, c.period, c.cycle),
      this.keys.cycleEntries(board.boardId, c.period, c.cycle),
    ]);
    keys.push(this.keys.boardConfig(board.boardId));
    return this.redis.rfRemovePlayer(keys.length, ...keys, board.ties, playerId);
  }

  async playerBoardIds(playerId: PlayerId): Promise<string[]> {
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(
        this.keys.playerBoards(playerId),
        cursor,
        'COUNT',
        500,
      );
      ids.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return ids;
  }

  async forgetPlayerBoards(playerId: PlayerId): Promise<void> {
    await this.redis.del(this.keys.playerBoards(playerId));
  }

  private playerOf(board: StoredBoard, member: string): PlayerId {
    // 'first' boards prefix members with a 15-digit arrival sequence and ':'.
    return board.ties === 'first' ? member.slice(16) : member;
  }

  /** SCAN (never KEYS) every master for a pattern and UNLINK in batches. */
  private async unlinkMatching(pattern: string): Promise<void> {
    const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        // Keys of one board share a slot, so one UNLINK call is valid on a cluster too.
        if (batch.length > 0) await node.unlink(...batch);
        cursor = next;
      } while (cursor !== '0');
    }
  }
}

/** The board was deleted after its configuration was read (possibly from the cache). */
function boardNotFound(boardId: BoardId): DomainError {
  return new DomainError('BOARD_NOT_FOUND', `board ${boardId} does not exist`);
}

function entry(playerId: PlayerId, score: string, rank: number, meta: string): RankedEntry {
  const e: RankedEntry = { rank, playerId, score: Number(score) };
  if (meta !== '') e.metadata = JSON.parse(meta) as Metadata;
  return e;
}
