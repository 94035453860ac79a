/**
 * The booted app (like startApp) with its JSON log lines collected in memory, for tests that
 * assert what the service logged: the client IP of a request, or that nothing was logged as an
 * error while it was under attack.
 */
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { Http, TestApp, TestClock } from './app';
import { connectStandalone, deleteByPrefix, testPrefix } from './test-redis';

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

export interface LoggedApp extends TestApp {
  logs: LogLine[];
}

/** pino's level of `error`: lines at or above it are errors. */
export const ERROR_LEVEL = 50;

export interface LoggedAppOptions {
  name: string;
  /** Defaults: the shared test Redis, LOG_LEVEL info, no fan-out worker. */
  env?: Record<string, string | undefined>;
  /** Reuse a prefix (a second instance on the same namespace). */
  prefix?: string;
}

export async function startLoggedApp(opts: LoggedAppOptions): Promise<LoggedApp> {
  const prefix = opts.prefix ?? testPrefix(opts.name);
  const clock = new TestClock();
  const config = AppConfig.fromEnv({
    REDIS_URL: process.env.TEST_REDIS_URL,
    RANKFEED_PREFIX: prefix,
    RANKFEED_EMBEDDED_REDIS: 'never',
    FEED_FANOUT_WORKER: 'false',
    LOG_LEVEL: 'info',
    ...opts.env,
  });
  const logs: LogLine[] = [];
  const logStream = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) };
  const app = await createApp(config, clock, { logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    prefix,
    clock,
    http: new Http(baseUrl),
    logs,
    async close() {
      await app.close();
      if (!opts.prefix && !opts.env?.REDIS_URL) {
        const redis = connectStandalone();
        await deleteByPrefix(redis, prefix);
        await redis.quit();
      }
    },
  };
}
