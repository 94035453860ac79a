import type { PlayerId } from '../leaderboards/leaderboard.types';

export type ActivityId = string;

/** An activity as the API returns it (API §5); `time` is ISO-8601 UTC with milliseconds. */
export interface Activity {
  id: ActivityId;
  actor: PlayerId;
  verb: string;
  object: string | null;
  target: string | null;
  time: string;
  data: Record<string, unknown> | null;
}

/** What is stored: the activity plus what cleanup needs (never returned to clients). */
export interface StoredActivity extends Activity {
  foreignId?: string;
  /** Set on board activities: the board stream that also lists it. */
  boardId?: string;
}

/** A row of a time-ordered list: event time (ms), activity id and its author. */
export interface FeedRow {
  t: number;
  id: ActivityId;
  actor: PlayerId;
}

/** An exact position in newest-first order: strictly older rows follow it. */
export interface FeedPosition {
  t: number;
  id: ActivityId;
}

/** A read of one list: newest first, `since` inclusive and `until` exclusive (ms). */
export interface WindowQuery {
  since: number | null;
  until: number | null;
  after: FeedPosition | null;
  limit: number;
}

/** A durable fan-out job (one stream entry). */
export type FanoutJob =
  | { op: 'add'; actor: PlayerId; id: ActivityId; t: number; enqueuedAt: number }
  | { op: 'remove'; actor: PlayerId; id: ActivityId; t: number; enqueuedAt: number };

/**
 * Messages on the live feeds channel: an activity reached or left these players' feeds. The
 * audience is either the players a fan-out batch wrote, or (`followersOf`) every follower of an
 * author above the fan-out threshold, whose activities are merged at read time: each instance
 * then asks Redis which of its own feed subscribers follow that author.
 */
export type FeedAudience = { playerIds: PlayerId[] } | { followersOf: PlayerId };
export type FeedLiveMessage = FeedAudience &
  ({ kind: 'activity'; activity: Activity } | { kind: 'removed'; activityId: ActivityId });
