import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
const toDecimal = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;

/** Every environment variable the service reads (API.md §9). Nothing else reads process.env. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  @IsOptional()
  NODE_ENV: string = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsOptional()
  @Matches(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, { message: 'must be host:port[,host:port…]' })
  REDIS_CLUSTER_NODES?: string;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS: number = 1000;

  @Matches(/^[A-Za-z0-9_]{1,32}$/, { message: 'must be 1-32 characters of [A-Za-z0-9_]' })
  RANKFEED_PREFIX: string = 'rf';

  @IsOptional()
  @IsString()
  RANKFEED_API_KEYS?: string;

  @IsOptional()
  @IsString()
  RANKFEED_API_KEYS_FILE?: string;

  @IsIn(['auto', 'never'])
  RANKFEED_EMBEDDED_REDIS: string = 'auto';

  @IsString()
  RANKFEED_DATA_DIR: string = './data';

  /**
   * Signs cursors. Required in production: a per-process random secret would make a cursor issued
   * by one instance INVALID_CURSOR on the next, and after every restart.
   */
  @ValidateIf(
    (env: EnvironmentVariables) =>
      env.NODE_ENV === 'production' || env.RANKFEED_CURSOR_SECRET !== undefined,
  )
  @IsString({ message: 'is required with NODE_ENV=production (16+ characters)' })
  @Matches(/^.{16,}$/, { message: 'must be at least 16 characters' })
  RANKFEED_CURSOR_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86400)
  IDEMPOTENCY_TTL_SECONDS: number = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  LIVE_TICK_MS: number = 100;

  /** Every local live view is re-checked this often without dirty messages (pub/sub is lossy). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(600000)
  LIVE_SWEEP_MS: number = 5000;

  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED: boolean = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_WRITE_BURST: number = 1000;

  /** Tokens per second; fractions allowed (`0.5`: one write every 2 s once the burst is spent). */
  @Transform(toDecimal)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  RATE_LIMIT_WRITE_RATE: number = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_READ_MAX: number = 600;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  RATE_LIMIT_READ_WINDOW_MS: number = 60000;

  @IsOptional()
  @IsString()
  LIVE_ALLOWED_ORIGINS?: string;

  /**
   * Per-scope overrides of the write bucket: `<scope>=<burst>:<ratePerSec>,…` (e.g.
   * `sessions=60:1`). A write is charged to the bucket of (API key, the scope its route needs).
   */
  @IsOptional()
  @Matches(/^[a-z.]+=\d+:\d+(\.\d+)?(,[a-z.]+=\d+:\d+(\.\d+)?)*$/, {
    message: 'must be <scope>=<burst>:<ratePerSec>[,…]',
  })
  RATE_LIMIT_SCOPES?: string;

  /** Inbound events per /live socket: burst, then per second (in-process token bucket). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIVE_EVENTS_BURST: number = 40;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIVE_EVENTS_RATE: number = 20;

  /** /live connection attempts per client IP in a sliding window (in Redis, all instances). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIVE_CONNECT_MAX: number = 120;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  LIVE_CONNECT_WINDOW_MS: number = 60000;

  /** Open /live sockets per client IP on one instance. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIVE_CONNECTIONS_PER_IP: number = 200;

  /** Player sessions (API §6): default and longest lifetime, live sessions kept per player. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  SESSION_TTL_SECONDS: number = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  SESSION_MAX_TTL_SECONDS: number = 30 * 86400;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SESSIONS_PER_PLAYER: number = 20;

  /** Origins browsers may call the REST API from (CORS): comma-separated, or `*`. Unset: none. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /**
   * Trust `X-Forwarded-For` from the proxy in front (client IPs for rate limits): `false`, `true`,
   * a hop count, or comma-separated proxy addresses/CIDRs (Fastify's trustProxy).
   */
  @IsString()
  TRUST_PROXY: string = 'false';

  /** Start even though Redis may evict keys (maxmemory-policy other than noeviction). */
  @Transform(toBool)
  @IsBoolean()
  RANKFEED_ALLOW_EVICTION: boolean = false;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3600000)
  REDIS_INFO_INTERVAL_MS: number = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_DELAY_MS: number = 0;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(10000000)
  ADMIN_MEMORY_SCAN_LIMIT: number = 100000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ADMIN_MEMORY_SAMPLES: number = 50;

  /** The most players one player may follow (bounds the friends leaderboard and suggestions). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  FOLLOWING_MAX: number = 1000;

  /** Posts kept per player, newest first. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  POSTS_CAP: number = 100;

  // Activity feeds (issue 4, DESIGN §5).
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  FEED_ACTIVITY_TTL_DAYS: number = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  FEED_MAX_ITEMS: number = 800;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  FEED_STREAM_MAX_ITEMS: number = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  FEED_FANOUT_THRESHOLD: number = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  FEED_FANOUT_BATCH: number = 500;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(3600000)
  FEED_FANOUT_CLAIM_IDLE_MS: number = 30000;

  /** Deliveries of one fan-out job before it moves to the dead-letter stream. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  FEED_FANOUT_MAX_ATTEMPTS: number = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  FEED_BACKFILL_ITEMS: number = 100;

  /** `false`: this instance serves the API but runs no fan-out worker (others must). */
  @Transform(toBool)
  @IsBoolean()
  FEED_FANOUT_WORKER: boolean = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

/** Parses and validates the environment; throws one message naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const defined = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) =>
        `  ${e.property}${raw[e.property] === undefined ? ' (unset)' : `=${JSON.stringify(raw[e.property])}`}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
