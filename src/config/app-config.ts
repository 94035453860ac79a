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

/** Fastify's trustProxy: off, on, a hop count, or the proxies' addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return splitList(value);
}

function parseScopeLimits(spec: string | undefined): Map<string, { burst: number; rate: number }> {
  const limits = new Map<string, { burst: number; rate: number }>();
  for (const entry of spec ? splitList(spec) : []) {
    const [scope, limit] = entry.split('=');
    const [burst, rate] = limit.split(':').map(Number);
    limits.set(scope, { burst, rate });
  }
  return limits;
}

/** Typed slices of the validated environment; the only object the rest of the code reads. */
export class AppConfig {
  readonly production: boolean;
  readonly redis: RedisConfig;
  readonly auth: { apiKeys: string | null; apiKeysFile: string | null };
  /** Signs cursors; random per process in open mode, so cursors do not survive a restart. */
  readonly cursorSecret: string;
  readonly idempotencyTtlSeconds: number;
  readonly live: {
    tickMs: number;
    sweepMs: number;
    allowedOrigins: string[] | null;
    eventsBurst: number;
    eventsRate: number;
    connectMax: number;
    connectWindowMs: number;
    connectionsPerIp: number;
  };
  readonly rateLimit: {
    enabled: boolean;
    writeBurst: number;
    writeRate: number;
    /** Write buckets of routes needing these scopes, when they differ from the default. */
    scopes: Map<string, { burst: number; rate: number }>;
    readMax: number;
    readWindowMs: number;
  };
  readonly sessions: { ttlSeconds: number; maxTtlSeconds: number; perPlayer: number };
  readonly http: {
    port: number;
    host: string;
    corsOrigins: string[] | null;
    trustProxy: TrustProxy;
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
    maxAttempts: number;
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
    this.http = {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: env.CORS_ORIGINS ? splitList(env.CORS_ORIGINS) : null,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    };
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
      sweepMs: env.LIVE_SWEEP_MS,
      allowedOrigins: env.LIVE_ALLOWED_ORIGINS ? splitList(env.LIVE_ALLOWED_ORIGINS) : null,
      eventsBurst: env.LIVE_EVENTS_BURST,
      eventsRate: env.LIVE_EVENTS_RATE,
      connectMax: env.LIVE_CONNECT_MAX,
      connectWindowMs: env.LIVE_CONNECT_WINDOW_MS,
      connectionsPerIp: env.LIVE_CONNECTIONS_PER_IP,
    };
    this.rateLimit = {
      enabled: env.RATE_LIMIT_ENABLED,
      writeBurst: env.RATE_LIMIT_WRITE_BURST,
      writeRate: env.RATE_LIMIT_WRITE_RATE,
      scopes: parseScopeLimits(env.RATE_LIMIT_SCOPES),
      readMax: env.RATE_LIMIT_READ_MAX,
      readWindowMs: env.RATE_LIMIT_READ_WINDOW_MS,
    };
    this.sessions = {
      ttlSeconds: env.SESSION_TTL_SECONDS,
      maxTtlSeconds: env.SESSION_MAX_TTL_SECONDS,
      perPlayer: env.SESSIONS_PER_PLAYER,
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
      maxAttempts: env.FEED_FANOUT_MAX_ATTEMPTS,
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
