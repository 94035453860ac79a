import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Live-path metrics on prom-client's default registry (ops exposes it at /metrics). Module
 * singletons, reused when several app instances share a process (tests). Labels are bounded.
 */
function metric<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const liveMetrics = {
  sockets: metric(
    'rankfeed_live_sockets',
    () => new Gauge({ name: 'rankfeed_live_sockets', help: 'Connected /live sockets' }),
  ),
  subscriptions: metric(
    'rankfeed_live_subscriptions',
    () =>
      new Gauge({
        name: 'rankfeed_live_subscriptions',
        help: 'Live subscriptions by kind (board, rank)',
        labelNames: ['kind'] as const,
      }),
  ),
  views: metric(
    'rankfeed_live_views_active',
    () =>
      new Gauge({
        name: 'rankfeed_live_views_active',
        help: 'Views with at least one local subscriber',
      }),
  ),
  tickDuration: metric(
    'rankfeed_live_tick_duration_seconds',
    () =>
      new Histogram({
        name: 'rankfeed_live_tick_duration_seconds',
        help: 'Duration of one live tick (dirty views recomputed, published, fanned out)',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      }),
  ),
  fanoutDuration: metric(
    'rankfeed_live_fanout_duration_seconds',
    () =>
      new Histogram({
        name: 'rankfeed_live_fanout_duration_seconds',
        help: 'Time one board.updated broadcast to a local room holds the event loop (socket writes)',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      }),
  ),
  viewReads: metric(
    'rankfeed_live_view_reads_total',
    () =>
      new Counter({
        name: 'rankfeed_live_view_reads_total',
        help: 'Views read from Redis to recompute them, by cause (tick, subscribe, resync)',
        labelNames: ['cause'] as const,
      }),
  ),
  updatesPublished: metric(
    'rankfeed_live_updates_published_total',
    () =>
      new Counter({
        name: 'rankfeed_live_updates_published_total',
        help: 'board.updated payloads published on Redis pub/sub',
      }),
  ),
  dirtyPublished: metric(
    'rankfeed_live_dirty_published_total',
    () =>
      new Counter({
        name: 'rankfeed_live_dirty_published_total',
        help: 'Dirty-board messages published after submissions',
      }),
  ),
  messages: metric(
    'rankfeed_live_messages_delivered_total',
    () =>
      new Counter({
        name: 'rankfeed_live_messages_delivered_total',
        help: 'Messages handed to sockets, by event',
        labelNames: ['event'] as const,
      }),
  ),
  bytes: metric(
    'rankfeed_live_bytes_delivered_total',
    () =>
      new Counter({
        name: 'rankfeed_live_bytes_delivered_total',
        help: 'Payload bytes handed to sockets (JSON length x recipients)',
      }),
  ),
  skipped: metric(
    'rankfeed_live_diffs_skipped_total',
    () =>
      new Counter({
        name: 'rankfeed_live_diffs_skipped_total',
        help: 'board.updated messages not sent to slow sockets (latest wins)',
      }),
  ),
  slowDisconnects: metric(
    'rankfeed_live_slow_disconnects_total',
    () =>
      new Counter({
        name: 'rankfeed_live_slow_disconnects_total',
        help: 'Sockets disconnected because they stopped reading',
      }),
  ),
};
