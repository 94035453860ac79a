import { randomBytes } from 'node:crypto';
import { EnvironmentVariables, validateEnv } from './env.validation';

export interface RedisConfig {
  url: string;
  clusterNodes: { host: string; port: number }[] | null;
  commandTimeoutMs: number;
  prefix: string;
  embedded: 'auto' | 'never';
  dataDir: string;
}

/** Typed slices of the validated environment; the only object the rest of the code reads. */
export class AppConfig {
  readonly production: boolean;
  readonly http: { port: number; host: string };
  readonly redis: RedisConfig;
  readonly auth: { apiKeys: string | null; apiKeysFile: string | null };
  /** Signs cursors; random per process in open mode, so cursors do not survive a restart. */
  readonly cursorSecret: string;
  readonly idempotencyTtlSeconds: number;
  readonly live: { tickMs: number; allowedOrigins: string[] | null };
  readonly rateLimit: {
    enabled: boolean;
    writeBurst: number;
    writeRate: number;
    readMax: number;
    readWindowMs: number;
  };
  readonly social: { followingMax: number };
  readonly posts: { cap: number };
  readonly logLevel: string;
  readonly feeds: {
    activityTtlMs: number;
    maxItems: number;
    streamMaxItems: number;
    fanoutThreshold: number;
    fanoutBatch: number;
    claimIdleMs: number;
    backfillItems: number;
    worker: boolean;
  };
  readonly ops: {
    allowEviction: boolean;
    redisInfoIntervalMs: number;
    shutdownDelayMs: number;
    memoryScanLimit: number;
    memorySamples: number;
  };

  constructor(env: EnvironmentVariables) {
    this.production = env.NODE_ENV === 'production';
    this.http = { port: env.PORT, host: env.HOST };
    this.redis = {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES
        ? env.REDIS_CLUSTER_NODES.split(',').map((hp) => {
            const [host, port] = hp.split(':');
            return { host, port: Number(port) };
          })
        : null,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      prefix: env.RANKFEED_PREFIX,
      embedded: env.RANKFEED_EMBEDDED_REDIS as 'auto' | 'never',
      dataDir: env.RANKFEED_DATA_DIR,
    };
    this.auth = {
      apiKeys: env.RANKFEED_API_KEYS ?? null,
      apiKeysFile: env.RANKFEED_API_KEYS_FILE ?? null,
    };
    this.cursorSecret = env.RANKFEED_CURSOR_SECRET ?? randomBytes(32).toString('hex');
    this.idempotencyTtlSeconds = env.IDEMPOTENCY_TTL_SECONDS;
    this.live = {
      tickMs: env.LIVE_TICK_MS,
      allowedOrigins: env.LIVE_ALLOWED_ORIGINS ? env.LIVE_ALLOWED_ORIGINS.split(',') : null,
    };
    this.rateLimit = {
      enabled: env.RATE_LIMIT_ENABLED,
      writeBurst: env.RATE_LIMIT_WRITE_BURST,
      writeRate: env.RATE_LIMIT_WRITE_RATE,
      readMax: env.RATE_LIMIT_READ_MAX,
      readWindowMs: env.RATE_LIMIT_READ_WINDOW_MS,
    };
    this.social = { followingMax: env.FOLLOWING_MAX };
    this.posts = { cap: env.POSTS_CAP };
    this.logLevel = env.LOG_LEVEL;
    this.feeds = {
      activityTtlMs: env.FEED_ACTIVITY_TTL_DAYS * 86_400_000,
      maxItems: env.FEED_MAX_ITEMS,
      streamMaxItems: env.FEED_STREAM_MAX_ITEMS,
      fanoutThreshold: env.FEED_FANOUT_THRESHOLD,
      fanoutBatch: env.FEED_FANOUT_BATCH,
      claimIdleMs: env.FEED_FANOUT_CLAIM_IDLE_MS,
      backfillItems: env.FEED_BACKFILL_ITEMS,
      worker: env.FEED_FANOUT_WORKER,
    };
    this.ops = {
      allowEviction: env.RANKFEED_ALLOW_EVICTION,
      redisInfoIntervalMs: env.REDIS_INFO_INTERVAL_MS,
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
      memoryScanLimit: env.ADMIN_MEMORY_SCAN_LIMIT,
      memorySamples: env.ADMIN_MEMORY_SAMPLES,
    };
  }

  static fromEnv(raw: Record<string, string | undefined>): AppConfig {
    return new AppConfig(validateEnv(raw));
  }

  /** A copy pointing at another Redis, used when the embedded redis-server is started. */
  withRedisUrl(url: string): AppConfig {
    const copy = Object.create(AppConfig.prototype) as AppConfig;
    Object.assign(copy, this, { redis: { ...this.redis, url } });
    return copy;
  }
}
