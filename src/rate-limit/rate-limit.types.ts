/** The limiters, as named in metrics: write buckets, read windows and the two /live limits. */
export type Limiter = 'write' | 'read' | 'live_connect' | 'live_events';

/** What a limiter decided for one request (or connection attempt). Times in ms. */
export interface RateDecision {
  allowed: boolean;
  /** The most the limiter admits at once: a bucket's capacity, a window's maximum. */
  limit: number;
  /** What is left after this request. */
  remaining: number;
  /** Until a refused request would be admitted; 0 when admitted. */
  retryAfterMs: number;
  /** Until the limit is entirely restored (bucket full, window empty). */
  resetMs: number;
}

/** A token bucket: `burst` tokens, refilled at `rate` tokens per second. */
export interface BucketLimit {
  burst: number;
  rate: number;
}

/** A sliding window: at most `max` hits within any `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}
