import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * API answers are JSON, never pages: a CSP that allows nothing and may not be framed, plus the
 * transport headers. The document-only headers (COOP, Origin-Agent-Cluster, DNS prefetch, IE and
 * Flash switches) stay on /docs.
 */
const API_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * Swagger UI loads same-origin scripts and styles, has inline styles and data: images: helmet's
 * default page policy, without `upgrade-insecure-requests`, which would send the UI's own asset
 * requests to https on a plain-http internal network.
 */
const DOCS_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null },
  },
  frameguard: { action: 'deny' },
};

/** Headers browsers may send cross-origin, and the ones of our answers they may read. */
const CORS_ALLOWED_HEADERS = [
  'X-API-Key',
  'Authorization',
  'Idempotency-Key',
  'If-None-Match',
  'Content-Type',
  'X-Request-Id',
];
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
];

/**
 * The headers helmet sets for `policy`, computed once. Running helmet (or @fastify/helmet, which
 * rebuilds helmet's middleware on every request) per request cost ~45 µs of CPU on GET
 * /health/live; setting a ready-made header object costs a few.
 */
function helmetHeaders(policy: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  helmet(policy)({} as IncomingMessage, res as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

const API_HEADERS = helmetHeaders(API_POLICY);
const DOCS_HEADERS = helmetHeaders(DOCS_POLICY);

/** The security headers of a response: the docs' page policy under /docs, the API's elsewhere. */
export function securityHeaders(req: FastifyRequest): Readonly<Record<string, string>> {
  const route = req.routeOptions.url;
  return route !== undefined && (route === '/docs' || route.startsWith('/docs/'))
    ? DOCS_HEADERS
    : API_HEADERS;
}

/**
 * CORS only when CORS_ORIGINS is set: `*` lets any origin call (credentials travel in headers,
 * never cookies), otherwise exactly the listed origins. Preflights are answered by the plugin.
 */
export async function registerCors(
  app: NestFastifyApplication,
  origins: string[] | null,
): Promise<void> {
  if (!origins) return;
  await app.register(fastifyCors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    // Browsers cache a preflight this long (seconds), sparing an OPTIONS per request.
    maxAge: 600,
  });
}
