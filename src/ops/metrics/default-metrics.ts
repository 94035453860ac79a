import { collectDefaultMetrics, register } from 'prom-client';

/**
 * Process metrics (CPU, memory, GC, event-loop lag as `rankfeed_nodejs_eventloop_lag_*`), once per
 * registry: several app instances in one process (tests) must not register them twice.
 */
export function ensureDefaultMetrics(): void {
  if (register.getSingleMetric('rankfeed_nodejs_eventloop_lag_seconds')) return;
  collectDefaultMetrics({ prefix: 'rankfeed_' });
}
