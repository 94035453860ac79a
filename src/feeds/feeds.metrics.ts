import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

/** Fan-out metrics, on prom-client's default registry (scraped from /metrics). */
export const feedMetrics = {
  backlog: metric(
    'rankfeed_feed_fanout_backlog',
    () =>
      new Gauge({
        name: 'rankfeed_feed_fanout_backlog',
        help: 'Fan-out jobs not finished yet (XLEN of the job stream), sampled by the worker',
      }),
  ),
  lag: metric(
    'rankfeed_feed_fanout_lag_seconds',
    () =>
      new Histogram({
        name: 'rankfeed_feed_fanout_lag_seconds',
        help: 'From enqueueing a fan-out job to its completion, by operation',
        labelNames: ['op'] as const,
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      }),
  ),
  writes: metric(
    'rankfeed_feed_fanout_writes_total',
    () =>
      new Counter({
        name: 'rankfeed_feed_fanout_writes_total',
        help: 'Feed entries written (add) or removed (remove) by fan-out, backfill and unfollow',
        labelNames: ['op'] as const,
      }),
  ),
  deadLetters: metric(
    'rankfeed_feed_fanout_dead_letters_total',
    () =>
      new Counter({
        name: 'rankfeed_feed_fanout_dead_letters_total',
        help: 'Fan-out jobs given up after FEED_FANOUT_MAX_ATTEMPTS deliveries, or malformed (op="malformed"), moved to the dead-letter stream, by operation',
        labelNames: ['op'] as const,
      }),
  ),
};
