/**
 * The booted app (like startApp) with its JSON log lines collected in memory, for tests that
 * assert what the service logged: the client IP of a request, or that nothing was logged as an
 * error while it was under attack.
 */
import { startApp, TestApp } from './app';

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
  const logs: LogLine[] = [];
  const t = await startApp({
    name: opts.name,
    prefix: opts.prefix,
    env: { FEED_FANOUT_WORKER: 'false', LOG_LEVEL: 'info', ...opts.env },
    logStream: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  return Object.assign(t, { logs });
}
