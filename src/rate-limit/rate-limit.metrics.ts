import { Counter, register } from 'prom-client';

/** Rate-limit metrics on prom-client's default registry (see live.metrics.ts). No ids in labels. */
function metric<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const rateLimitMetrics = {
  refusals: metric(
    'rankfeed_rate_limit_refusals_total',
    () =>
      new Counter({
        name: 'rankfeed_rate_limit_refusals_total',
        help: 'Requests, /live events and connections refused by a limiter (write, read, live_connect, live_events)',
        labelNames: ['limiter'] as const,
      }),
  ),
  fallbacks: metric(
    'rankfeed_rate_limit_fallback_total',
    () =>
      new Counter({
        name: 'rankfeed_rate_limit_fallback_total',
        help: 'Window decisions taken in process because Redis did not answer, by limiter (read, live_connect)',
        labelNames: ['limiter'] as const,
      }),
  ),
};
