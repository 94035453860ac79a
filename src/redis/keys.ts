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

  /** String (JSON): a player's profile. */
  playerProfile(playerId: string): string {
    return `${this.player(playerId)}:profile`;
  }

  // Social graph (issue 4). A follow spans two players' slots: see SocialGraphRepository.

  /** Set: ids of the players this player follows (the follower's side, canonical). */
  following(playerId: string): string {
    return `${this.player(playerId)}:following`;
  }

  /** Set: ids of the players who follow this player (the followee's side, for fan-out). */
  followers(playerId: string): string {
    return `${this.player(playerId)}:followers`;
  }

  /** List: a player's post ids, newest first, capped (POSTS_CAP). */
  posts(playerId: string): string {
    return `${this.player(playerId)}:posts`;
  }

  /** Hash: post id → post JSON for exactly the ids in `posts` (trimmed together, one script). */
  postBodies(playerId: string): string {
    return `${this.player(playerId)}:postbodies`;
  }

  // Activity feeds (issue 4, DESIGN §5): src/feeds. Members of feeds are `<activityId>:<actor>`.

  /** Hash: the player's activities (id → JSON) and foreignId mappings (`f:<foreignId>` → id). */
  activities(playerId: string): string {
    return `${this.player(playerId)}:acts`;
  }

  /** Sorted set: the player's own activity ids, scored by event time (ms). */
  activityStream(playerId: string): string {
    return `${this.player(playerId)}:stream`;
  }

  /** Sorted set: deleted activity ids, scored by deletion time (ms); trimmed by age. */
  activityTombstones(playerId: string): string {
    return `${this.player(playerId)}:tomb`;
  }

  /** Sorted set: the player's home feed (`<id>:<actor>`), scored by event time, capped. */
  homeFeed(playerId: string): string {
    return `${this.player(playerId)}:feed`;
  }

  /** Sorted set: activities a board generated (`<id>:<actor>`), scored by event time, capped. */
  boardActivities(boardId: string): string {
    return `${this.board(boardId)}:acts`;
  }

  /** Stream: fan-out jobs (consumer group `fanout`); its own slot. */
  fanoutJobs(): string {
    return `${this.prefix}:{feeds}:jobs`;
  }

  /**
   * Stream: fan-out jobs given up after FEED_FANOUT_MAX_ATTEMPTS deliveries (their fields plus
   * `entry`, `attempts`, `reason`), capped near 10,000; the jobs' slot, so one script moves a job.
   */
  fanoutDeadLetters(): string {
    return `${this.prefix}:{feeds}:dead`;
  }

  /** Hash: a running fan-out job's progress (stream entry id → SSCAN cursor of the followers). */
  fanoutProgress(): string {
    return `${this.prefix}:{feeds}:progress`;
  }

  /** Sorted set: authors above the fan-out threshold (merged at read time), scored by followers. */
  feedCelebrities(): string {
    return `${this.prefix}:{feeds}:celebs`;
  }

  /** Pub/sub channel: activities that reached (or left) players' feeds, for `feed.*` events. */
  liveFeedsChannel(): string {
    return `${this.prefix}:live:feeds`;
  }

  // Player sessions (issue 5, API §6): src/auth. A session is named by a digest of its token.

  /** String (JSON, PX): one session, `{s:<sessionId>}` — its own slot. */
  session(sessionId: string): string {
    return `${this.prefix}:{s:${sessionId}}:session`;
  }

  /** Sorted set: a player's session ids scored by expiry (ms), for erase and the per-player cap. */
  playerSessions(playerId: string): string {
    return `${this.player(playerId)}:sessions`;
  }

  // Rate limits (issue 5): src/rate-limit. A subject is `k:<apiKeyId>`, `p:<playerId>` or
  // `ip:<address>` (addresses are validated, so never hold `{` or `}`); each has its own slot.

  /** Hash (PX, gone once full again): a subject's write token bucket for one scope. */
  rateBucket(subject: string, scope: string): string {
    return `${this.prefix}:{rl:${subject}}:bucket:${scope}`;
  }

  /** Sorted set (PX, gone with its newest hit): a subject's sliding window of hit times (ms). */
  rateWindow(subject: string, window: 'reads' | 'connects'): string {
    return `${this.prefix}:{rl:${subject}}:${window}`;
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

  /**
   * String: a finished cycle's `cycle.ended` record: `claim:<owner>` (PX, seconds) while one
   * instance builds it, then the message JSON (EX, days) that every instance delivers from.
   */
  liveCycleEnded(boardId: string, period: string, cycle: string): string {
    return `${this.board(boardId)}:live:ended:${period}:${cycle}`;
  }

  /**
   * Pub/sub channel of one board: its submissions (rank moves; `rank.changed` for the submitter's
   * subscribers). Only instances with local views or rank subscriptions of the board subscribe.
   */
  liveDirtyChannel(boardId: string): string {
    return `${this.prefix}:live:dirty:${boardId}`;
  }

  /**
   * Pub/sub channel of one board: a `board.updated` payload per recomputed view of it. Subscribed
   * together with the board's dirty channel.
   */
  liveViewsChannel(boardId: string): string {
    return `${this.prefix}:live:views:${boardId}`;
  }

  /** Pub/sub channel: `cycle.ended` events. */
  liveCyclesChannel(): string {
    return `${this.prefix}:live:cycles`;
  }

  /** Pub/sub channel: what every instance must end (deleted/private boards, ended sessions). */
  liveControlChannel(): string {
    return `${this.prefix}:live:control`;
  }

  /** Which family a key of this namespace belongs to (admin memory report); null if not ours. */
  family(key: string): KeyFamily | null {
    if (!key.startsWith(`${this.prefix}:`)) return null;
    const rest = key.slice(this.prefix.length + 1);
    if (rest === 'boards') return 'boardIndex';
    if (rest.startsWith('{feeds}:')) return 'fanout';
    const m = /^\{([a-z]+):[^}]*\}:([a-z]+)/.exec(rest);
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
  'follows',
  'posts',
  'liveViews',
  'activities',
  'feeds',
  'fanout',
  'sessions',
  'rateLimits',
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
  'p:following': 'follows',
  'p:followers': 'follows',
  'p:posts': 'posts',
  'p:postbodies': 'posts',
  'b:live': 'liveViews',
  'p:acts': 'activities',
  'p:stream': 'activities',
  'p:tomb': 'activities',
  'b:acts': 'activities',
  'p:feed': 'feeds',
  's:session': 'sessions',
  'p:sessions': 'sessions',
  'rl:bucket': 'rateLimits',
  'rl:reads': 'rateLimits',
  'rl:connects': 'rateLimits',
};
