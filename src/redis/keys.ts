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

  // Live path (issue 3). A view id is built by the server from allow-listed ids (src/live).

  /** Hash: a live view's last published state (epoch, cycle, seq, board version, entries JSON). */
  liveViewState(boardId: string, viewId: string): string {
    return `${this.board(boardId)}:live:s:${viewId}`;
  }

  /** List: a live view's recent updates (wire JSON, oldest first), capped, for `since` replays. */
  liveViewLog(boardId: string, viewId: string): string {
    return `${this.board(boardId)}:live:l:${viewId}`;
  }

  /** String (PX): which instance is recomputing a live view right now. */
  liveViewLock(boardId: string, viewId: string): string {
    return `${this.board(boardId)}:live:k:${viewId}`;
  }

  /** String (EX): set once when a cycle's `cycle.ended` was published, so it is sent once. */
  liveCycleEnded(boardId: string, period: string, cycle: string): string {
    return `${this.board(boardId)}:live:ended:${period}:${cycle}`;
  }

  /** Pub/sub channel: boards changed by a submission (and the submitter's rank changes). */
  liveDirtyChannel(): string {
    return `${this.prefix}:live:dirty`;
  }

  /** Pub/sub channel: one `board.updated` payload per recomputed view. */
  liveViewsChannel(): string {
    return `${this.prefix}:live:views`;
  }

  /** Pub/sub channel: `cycle.ended` events. */
  liveCyclesChannel(): string {
    return `${this.prefix}:live:cycles`;
  }

  /** Which family a key of this namespace belongs to (admin memory report); null if not ours. */
  family(key: string): KeyFamily | null {
    if (!key.startsWith(`${this.prefix}:`)) return null;
    const rest = key.slice(this.prefix.length + 1);
    if (rest === 'boards') return 'boardIndex';
    const m = /^\{([bp]):[^}]*\}:([a-z]+)/.exec(rest);
    return (m && FAMILY_BY_SUFFIX[`${m[1]}:${m[2]}`]) || 'other';
  }
}

/** Key families, as reported by GET /v1/admin/memory. Add new key kinds here and below. */
export const KEY_FAMILIES = [
  'boardConfig',
  'cycleScores',
  'cycleEntries',
  'cycleIndex',
  'idempotency',
  'boardIndex',
  'playerBoards',
  'profiles',
  'liveViews',
  'other',
] as const;
export type KeyFamily = (typeof KEY_FAMILIES)[number];

const FAMILY_BY_SUFFIX: Record<string, KeyFamily> = {
  'b:cfg': 'boardConfig',
  'b:z': 'cycleScores',
  'b:e': 'cycleEntries',
  'b:cycles': 'cycleIndex',
  'b:idem': 'idempotency',
  'p:boards': 'playerBoards',
  'p:profile': 'profiles',
  'b:live': 'liveViews',
};
