/**
 * Boots the real application on port 0 against the test Redis, under a private key prefix, with a
 * clock the test can move. Requests go over real HTTP.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/bootstrap';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { connectStandalone, deleteByPrefix, testPrefix } from './test-redis';

export class TestClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  prefix: string;
  clock: TestClock;
  http: Http;
  close(): Promise<void>;
}

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Minimal JSON client over fetch; `raw` sends a string body with the given content type. */
export class Http {
  constructor(
    private readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  withHeaders(headers: Record<string, string>): Http {
    return new Http(this.baseUrl, { ...this.defaultHeaders, ...headers });
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse<T>> {
    const init: RequestInit = { method, headers: { ...this.defaultHeaders, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body ?? {}, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

export interface StartOptions {
  name: string;
  env?: Record<string, string | undefined>;
  clock?: TestClock;
  /** Reuse an existing prefix (a second instance sharing one namespace). */
  prefix?: string;
  /** Where the app's JSON log lines go (see logged-app.ts); default: LOG_LEVEL silent. */
  logStream?: DestinationStream;
}

export async function startApp(opts: StartOptions): Promise<TestApp> {
  const prefix = opts.prefix ?? testPrefix(opts.name);
  const clock = opts.clock ?? new TestClock();
  const config = AppConfig.fromEnv({
    REDIS_URL: process.env.TEST_REDIS_URL,
    RANKFEED_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    RANKFEED_EMBEDDED_REDIS: 'never',
    ...opts.env,
  });
  const app = await createApp(config, clock, { logStream: opts.logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    prefix,
    clock,
    http: new Http(baseUrl),
    async close() {
      await app.close();
      if (!opts.prefix && !opts.env?.REDIS_URL && !opts.env?.REDIS_CLUSTER_NODES) {
        const redis = connectStandalone();
        await deleteByPrefix(redis, prefix);
        await redis.quit();
      }
    },
  };
}

export interface AppPair {
  a: TestApp;
  b: TestApp;
  /** Closes both; `a` last, which removes the shared namespace's keys (standalone Redis). */
  close(): Promise<void>;
}

/** Two instances of the app on one namespace: what one writes, the other must see. */
export async function startPair(name: string, env: StartOptions['env'] = {}): Promise<AppPair> {
  const a = await startApp({ name, env });
  const b = await startApp({ name, prefix: a.prefix, env });
  return {
    a,
    b,
    async close() {
      await b.close();
      await a.close();
    },
  };
}
