import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * The service's own metrics, on prom-client's default registry (so every feature, the live path
 * included, is scraped from one /metrics). Module singletons: a counter call in a hot path is a
 * map lookup and an add, with no injection needed. Labels are bounded sets (STYLE: route
 * templates, command names, fixed outcomes), never ids.
 */
function metric<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const httpRequestDuration = metric(
  'rankfeed_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'rankfeed_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
);

export const redisCommandDuration = metric(
  'rankfeed_redis_command_duration_seconds',
  () =>
    new Histogram({
      name: 'rankfeed_redis_command_duration_seconds',
      help: 'Redis command and script duration as the caller sees it (queueing included), by command',
      labelNames: ['command'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
);

export const leaderboardReads = metric(
  'rankfeed_leaderboard_reads_total',
  () =>
    new Counter({
      name: 'rankfeed_leaderboard_reads_total',
      help: 'Top-of-board reads: not_modified (ETag revalidated, 304) or full (page read from Redis)',
      labelNames: ['result'] as const,
    }),
);

export const submissions = metric(
  'rankfeed_submissions_total',
  () =>
    new Counter({
      name: 'rankfeed_submissions_total',
      help: 'Score submissions by outcome: accepted, replayed (idempotent repeat) or rejected',
      labelNames: ['outcome'] as const,
    }),
);

const gauge = (name: string, help: string): Gauge => metric(name, () => new Gauge({ name, help }));

/** Sampled from INFO on an interval (REDIS_INFO_INTERVAL_MS), never per scrape. */
export const redisInfo = {
  up: gauge('rankfeed_redis_up', '1 when the last INFO sample succeeded, else 0'),
  usedMemory: gauge('rankfeed_redis_used_memory_bytes', 'Redis used_memory (sum over masters)'),
  maxMemory: gauge(
    'rankfeed_redis_maxmemory_bytes',
    'Redis maxmemory, 0 = unlimited (sum over masters)',
  ),
  connectedClients: gauge(
    'rankfeed_redis_connected_clients',
    'Redis connected_clients (sum over masters)',
  ),
  keyspaceHits: gauge(
    'rankfeed_redis_keyspace_hits',
    'Redis keyspace_hits since its start (a counter; use rate())',
  ),
  keyspaceMisses: gauge(
    'rankfeed_redis_keyspace_misses',
    'Redis keyspace_misses since its start (a counter; use rate())',
  ),
  evictedKeys: gauge(
    'rankfeed_redis_evicted_keys',
    'Redis evicted_keys since its start; must stay 0',
  ),
  sampledAt: gauge(
    'rankfeed_redis_info_sampled_timestamp_seconds',
    'When INFO was last sampled successfully',
  ),
};

export type SubmissionOutcome = 'accepted' | 'replayed' | 'rejected';

/** Records one finished HTTP request; `route` is a template (`/v1/boards/:boardId/top`). */
export function observeHttpRequest(
  method: string,
  route: string,
  status: number,
  seconds: number,
): void {
  httpRequestDuration.observe({ method, route, status: String(status) }, seconds);
}
