import type { Period } from './cycles';

export type BoardId = string;
export type PlayerId = string;
/** 1-based, best first. */
export type Rank = number;
export type Order = 'desc' | 'asc';
export type UpdatePolicy = 'best' | 'latest' | 'sum';
export type TiePolicy = 'shared' | 'first';
/** Board activities (API §5): a new personal best, entering the top 10, a new leader. */
export const BOARD_ACTIVITY_KINDS = ['personal_best', 'top10', 'leader'] as const;
export type BoardActivityKind = (typeof BOARD_ACTIVITY_KINDS)[number];
/**
 * What a board emits when its configuration says nothing: the rare, interesting events. Personal
 * bests are opt-in: on a busy board nearly every submission is one, and each activity costs a
 * write to two streams plus a fan-out job.
 */
export const DEFAULT_BOARD_ACTIVITIES: readonly BoardActivityKind[] = ['top10', 'leader'];
export type Metadata = Record<string, string | number | boolean | null>;

export interface BoardConfig {
  boardId: BoardId;
  title: string;
  order: Order;
  update: UpdatePolicy;
  periods: Period[];
  timezone: string;
  retain: number;
  ties: TiePolicy;
  minScore: number | null;
  maxScore: number | null;
  integer: boolean;
  public: boolean;
  capacity: number | null;
  graceSeconds: number;
  createdAt: string;
  /** Which activities submissions generate (src/feeds); absent = every kind. */
  activities?: BoardActivityKind[];
}

export interface StoredBoard extends BoardConfig {
  /** Bumped by every change of any cycle's content; drives ETags. */
  version: number;
  hasScores: boolean;
}

/** Where one submission lands in one period. */
export interface CycleTarget {
  period: Period;
  cycle: string;
  startsAtMs: number;
  /** How long the cycle's keys must live (ms from now); 0 = forever. */
  ttlMs: number;
}

export interface PeriodOutcome {
  period: Period;
  cycle: string;
  score: number | null;
  rank: Rank | null;
  previousScore: number | null;
  previousRank: Rank | null;
  improved: boolean;
  changed: boolean;
}

export interface SubmitOutcome {
  replayed: boolean;
  periods: PeriodOutcome[];
}

export interface RankedEntry {
  rank: Rank;
  playerId: PlayerId;
  score: number;
  metadata?: Metadata;
}

/** An exact position in a cycle: Redis' score string and the sorted-set member. */
export interface Position {
  score: string;
  member: string;
}

export interface Page {
  total: number;
  start: number;
  /** The board's content version when the page was read (drives ETags). */
  version: number;
  entries: RankedEntry[];
  /** Position of the last entry, to resume after it. */
  last: Position | null;
}
