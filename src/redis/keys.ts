import { createHash } from 'node:crypto';

/**
 * The only place Redis keys are spelled (DESIGN §2). Every key starts with the namespace prefix;
 * a board's keys share the hash tag `{b:<boardId>}` and a player's keys share `{p:<playerId>}`, so
 * every script touches one cluster slot. Ids reaching here were allow-listed (API §0), so they can
 * never contain `{`, `}` or `:`.
 */
export class Keys {
  constructor(readonly prefix: string) {}

  private board(boardId: string): string {
    return `${this.prefix}:{b:${boardId}}`;
  }

  private player(playerId: string): string {
    return `${this.prefix}:{p:${playerId}}`;
  }

  /** Hash: the board's configuration, its version counter and arrival sequence. */
  boardConfig(boardId: string): string {
    return `${this.board(boardId)}:cfg`;
  }

  /** Sorted set: scores of one cycle of one period. */
  cycleScores(boardId: string, period: string, cycle: string): string {
    return `${this.board(boardId)}:z:${period}:${cycle}`;
  }

  /** Hash: per-entry data of one cycle (`m:<player>` tie-break member, `d:<player>` metadata). */
  cycleEntries(boardId: string, period: string, cycle: string): string {
    return `${this.board(boardId)}:e:${period}:${cycle}`;
  }

  /** Sorted set: the cycles of a period that hold scores, scored by start time (ms). */
  cycleIndex(boardId: string, period: string): string {
    return `${this.board(boardId)}:cycles:${period}`;
  }

  /** String: an idempotency record. The client's key is hashed, so any printable key is safe. */
  idempotency(boardId: string, idempotencyKey: string): string {
    const digest = createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 22);
    return `${this.board(boardId)}:idem:${digest}`;
  }

  /** SCAN pattern matching every key of one board. */
  boardPattern(boardId: string): string {
    return `${this.board(boardId)}:*`;
  }

  /** Sorted set (all scores 0, ordered by id): every board id. Its own slot. */
  boardIndex(): string {
    return `${this.prefix}:boards`;
  }

  /** Set: ids of the boards a player has scores on, for erase-everywhere. */
  playerBoards(playerId: string): string {
    return `${this.player(playerId)}:boards`;
  }

  /** Hash: a player's profile. */
  playerProfile(playerId: string): string {
    return `${this.player(playerId)}:profile`;
  }

  /** SCAN pattern matching every key of the namespace. */
  namespacePattern(): string {
    return `${this.prefix}:*`;
  }
}
