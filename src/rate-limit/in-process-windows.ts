import type { RateDecision, WindowLimit } from './rate-limit.types';

interface Counts {
  /** Start of the current fixed window (ms). */
  start: number;
  current: number;
  previous: number;
}

/**
 * The window limiter used while Redis does not answer. Per subject it keeps the hits of the
 * current and the previous fixed window and counts the previous one by how much of it the sliding
 * window still covers — the usual approximation of a sliding window in O(1) memory per subject
 * (the Redis one is exact). At most `maxSubjects` subjects are kept; the least recently seen is
 * forgotten first, so memory stays bounded whatever the number of clients.
 */
export class InProcessWindows {
  private readonly subjects = new Map<string, Counts>();

  constructor(private readonly maxSubjects: number) {}

  get size(): number {
    return this.subjects.size;
  }

  hit(subject: string, { max, windowMs }: WindowLimit, nowMs: number): RateDecision {
    const start = nowMs - (nowMs % windowMs);
    const c = this.countsOf(subject, start, windowMs);
    const used = (n: Counts, at: number) =>
      n.previous * (1 - (at - n.start) / windowMs) + n.current;
    const allowed = used(c, nowMs) + 1 <= max;
    if (allowed) c.current += 1;
    return {
      allowed,
      limit: max,
      remaining: Math.max(0, Math.floor(max - used(c, nowMs))),
      retryAfterMs: allowed ? 0 : this.admittedAt(c, max, windowMs) - nowMs,
      resetMs:
        (c.current > 0 ? start + 2 * windowMs : c.previous > 0 ? start + windowMs : nowMs) - nowMs,
    };
  }

  /** When the weighted count first leaves room for one more hit (no hit in between). */
  private admittedAt(c: Counts, max: number, windowMs: number): number {
    const end = c.start + windowMs;
    // Within this window the previous one's share shrinks linearly: solve for room.
    const room = max - 1 - c.current;
    if (room >= 0 && c.previous > 0) return Math.ceil(c.start + windowMs * (1 - room / c.previous));
    // Otherwise in the next window, where this window's hits are the shrinking share.
    return Math.ceil(end + windowMs * Math.max(0, 1 - (max - 1) / c.current));
  }

  private countsOf(subject: string, start: number, windowMs: number): Counts {
    const known = this.subjects.get(subject);
    this.subjects.delete(subject); // re-inserted last: Map order is least recently seen first
    let c: Counts;
    if (known?.start === start) c = known;
    else if (known?.start === start - windowMs) c = { start, current: 0, previous: known.current };
    else c = { start, current: 0, previous: 0 };
    this.subjects.set(subject, c);
    if (this.subjects.size > this.maxSubjects) {
      this.subjects.delete(this.subjects.keys().next().value as string);
    }
    return c;
  }
}
