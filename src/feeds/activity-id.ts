import { randomBytes } from 'node:crypto';
import type { ActivityId, FeedRow, StoredActivity, Activity } from './activity.types';

const TIME_DIGITS = 13;
const RANDOM_CHARS = 10;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A new activity id: the event time in ms, zero-padded to 13 digits, '-', 10 random base62
 * characters. Every id has the same length, so byte order of `<id>` and of `<id>:<actor>` agree
 * and a (time, id) position is exact in streams and feeds alike.
 */
export function newActivityId(timeMs: number): ActivityId {
  const bytes = randomBytes(RANDOM_CHARS);
  let tail = '';
  for (const b of bytes) tail += ALPHABET[b % ALPHABET.length];
  return `${String(timeMs).padStart(TIME_DIGITS, '0')}-${tail}`;
}

export const ACTIVITY_ID_PATTERN = /^\d{13}-[0-9A-Za-z]{10}$/;

/** Feed and board-stream member of an activity. */
export function feedMember(id: ActivityId, actor: string): string {
  return `${id}:${actor}`;
}

/** The row a `<id>:<actor>` member and its score stand for. */
export function rowFromMember(member: string, score: string): FeedRow {
  const colon = member.indexOf(':');
  return { id: member.slice(0, colon), actor: member.slice(colon + 1), t: Number(score) };
}

/** Newest first: true when a sorts before b (later time, then greater id). */
export function newerThan(a: FeedRow, b: FeedRow): boolean {
  if (a.t !== b.t) return a.t > b.t;
  return a.id > b.id;
}

/** The public shape: stored-only fields dropped, absent fields null. */
export function publicActivity(s: StoredActivity): Activity {
  return {
    id: s.id,
    actor: s.actor,
    verb: s.verb,
    object: s.object ?? null,
    target: s.target ?? null,
    time: s.time,
    data: s.data ?? null,
  };
}
