/**
 * Security headers (helmet) on every answer, errors included; the docs page's own policy; CORS
 * from CORS_ORIGINS (none when unset); and TRUST_PROXY deciding whether X-Forwarded-For is the
 * client IP (observed through the request log line, which carries `ip`).
 */
import { expectApiError } from '../support/api-errors';
import { HttpResponse, startApp, TestApp } from '../support/app';
import { waitFor } from '../support/live-client';
import { LoggedApp, startLoggedApp } from '../support/logged-app';

const API_CSP = "default-src 'none';frame-ancestors 'none'";
const ALLOWED = ['X-API-Key', 'Authorization', 'Idempotency-Key', 'If-None-Match', 'Content-Type'];
const EXPOSED = [
  'ETag',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
];

const list = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

function expectApiSecurityHeaders(res: HttpResponse): void {
  expect({
    csp: res.headers.get('content-security-policy'),
    nosniff: res.headers.get('x-content-type-options'),
    frame: res.headers.get('x-frame-options'),
    referrer: res.headers.get('referrer-policy'),
    corp: res.headers.get('cross-origin-resource-policy'),
    hsts: res.headers.get('strict-transport-security'),
  }).toEqual({
    csp: API_CSP,
    nosniff: 'nosniff',
    frame: 'DENY',
    referrer: 'no-referrer',
    corp: 'same-origin',
    hsts: 'max-age=31536000; includeSubDomains',
  });
}

describe('security headers without CORS configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'security_headers' });
    expect((await t.http.put('/v1/boards/open', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the API policy on successes, on every kind of error and on unmatched routes', async () => {
    const ok = await t.http.get('/v1/boards/open/top');
    expect(ok.status).toBe(200);
    expectApiSecurityHeaders(ok);
    expectApiSecurityHeaders(await t.http.get('/health/live'));
    const errors: Array<[HttpResponse, number, string]> = [
      [await t.http.get('/v1/boards/missing/top'), 404, 'BOARD_NOT_FOUND'],
      [await t.http.get('/v1/nothing-here'), 404, 'NOT_FOUND'],
      [await t.http.get('/v1/boards/a%7Bb/top'), 400, 'VALIDATION_FAILED'],
      [await t.http.post('/v1/boards/open/scores', '{"playerId":'), 400, 'VALIDATION_FAILED'],
      [
        await t.http.post('/v1/boards/open/scores', '{}', { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        await t.http.post('/v1/boards/open/scores', `{"p":"${'x'.repeat(17 * 1024)}"}`),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    for (const [res, status, code] of errors) {
      expectApiError(res, status, code, [t.prefix]);
      expectApiSecurityHeaders(res);
    }
  });

  it('gives /docs a page policy under which every asset of the Swagger UI page loads', async () => {
    const page = await t.http.get('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(
      expect.arrayContaining(["'self'", "'unsafe-inline'"]),
    );
    expect(directives.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // Would move the page's asset requests to https on a plain-http network.
    expect(directives.has('upgrade-insecure-requests')).toBe(false);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // script-src 'self' without 'unsafe-inline': every script of the page must be a file.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    const scripts = [...page.text.matchAll(/<script[^>]*\bsrc=["']([^"']+)["']/gi)].map(
      (m) => m[1],
    );
    const styles = [...page.text.matchAll(/<link[^>]*rel=["']stylesheet["'][^>]*>/gi)].map(
      (m) => /href=["']([^"']+)["']/.exec(m[0])![1],
    );
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    // With nosniff, a browser runs a script only when it is served as JavaScript (CSS likewise).
    for (const [refs, type] of [
      [scripts, /javascript/],
      [styles, /^text\/css/],
    ] as const) {
      for (const ref of refs) {
        const url = new URL(ref, `${t.baseUrl}/docs`);
        expect(url.origin).toBe(t.baseUrl);
        const asset = await fetch(url);
        expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
        expect(asset.headers.get('content-type')).toMatch(type);
        await asset.arrayBuffer();
      }
    }
  });

  it('sends no CORS headers and answers no preflight when CORS_ORIGINS is unset', async () => {
    const res = await t.http.get('/v1/boards/open/top', { origin: 'https://app.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBeNull();
    const preflight = await t.http.request('OPTIONS', '/v1/boards/open/scores', undefined, {
      origin: 'https://app.example',
      'access-control-request-method': 'POST',
    });
    expectApiError(preflight, 404, 'NOT_FOUND');
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('CORS from a list of origins', () => {
  let t: TestApp;
  const fromApp = { origin: 'https://app.example' };

  beforeAll(async () => {
    t = await startApp({
      name: 'security_cors_list',
      env: { CORS_ORIGINS: 'https://app.example, https://admin.example' },
    });
    expect((await t.http.put('/v1/boards/shared', {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a listed origin read answers and our headers, errors included', async () => {
    for (const [origin, path] of [
      ['https://app.example', '/v1/boards/shared/top'],
      ['https://admin.example', '/v1/boards/shared/top'],
      ['https://app.example', '/v1/boards/missing/top'],
    ]) {
      const res = await t.http.get(path, { origin });
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(list(res.headers.get('vary'))).toContain('origin');
      expect(list(res.headers.get('access-control-expose-headers'))).toEqual(
        EXPOSED.map((h) => h.toLowerCase()),
      );
      expectApiSecurityHeaders(res);
    }
  });

  it('gives an unlisted origin (or a listed host on another scheme) no Allow-Origin', async () => {
    for (const origin of [
      'https://evil.example',
      'http://app.example',
      'https://app.example.evil',
    ]) {
      const res = await t.http.get('/v1/boards/shared/top', { origin });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers a preflight of a listed origin with our methods, headers and a max age', async () => {
    const res = await t.http.request('OPTIONS', '/v1/boards/shared/scores', undefined, {
      ...fromApp,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-api-key,idempotency-key,content-type',
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(list(res.headers.get('access-control-allow-methods'))).toEqual(
      expect.arrayContaining(['get', 'put', 'post', 'delete']),
    );
    expect(list(res.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining([...ALLOWED, 'X-Request-Id'].map((h) => h.toLowerCase())),
    );
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expectApiSecurityHeaders(res);
  });

  it('gives a preflight of an unlisted origin no Allow-Origin', async () => {
    const res = await t.http.request('OPTIONS', '/v1/boards/shared/scores', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS for any origin', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'security_cors_any', env: { CORS_ORIGINS: '*' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows every origin with *, on answers and preflights', async () => {
    const res = await t.http.get('/health/live', { origin: 'https://anyone.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await t.http.request('OPTIONS', '/v1/boards/x/scores', undefined, {
      origin: 'https://anyone.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(preflight.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['authorization', 'content-type']),
    );
  });
});

describe('TRUST_PROXY and the client IP', () => {
  const apps: LoggedApp[] = [];
  const start = async (name: string, trustProxy: string): Promise<LoggedApp> => {
    const app = await startLoggedApp({ name, env: { TRUST_PROXY: trustProxy } });
    apps.push(app);
    return app;
  };

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  /** The `ip` of the request log line of a GET carrying X-Forwarded-For. */
  async function loggedIp(app: LoggedApp, path: string): Promise<unknown> {
    const res = await app.http.get(path, { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' });
    expect(res.status).toBe(404);
    const line = () => app.logs.find((l) => l.msg === 'request completed' && l.url === path);
    await waitFor(`the request log line of ${path}`, () => line() !== undefined);
    return line()!.ip;
  }

  it('ignores X-Forwarded-For by default: the client IP is the peer address', async () => {
    const app = await start('security_no_proxy', 'false');
    expect(await loggedIp(app, '/v1/boards/direct/top')).toBe('127.0.0.1');
  });

  it('takes the client IP from X-Forwarded-For when the peer is a trusted proxy', async () => {
    const app = await start('security_proxy', '127.0.0.1');
    // The last hop (198.51.100.2) is not a trusted proxy, so it is the client.
    expect(await loggedIp(app, '/v1/boards/proxied/top')).toBe('198.51.100.2');
    const hops = await start('security_proxy_hops', 'true');
    expect(await loggedIp(hops, '/v1/boards/all-trusted/top')).toBe('203.0.113.7');
  });
});
