import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addCommonResponses } from './common/openapi-responses';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { Clock, SystemClock } from './common/clock';
import { registerCors, securityHeaders } from './common/http-security';
import { PinoNestLogger } from './common/pino-nest-logger';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { AppConfig } from './config/app-config';
import { LiveIoAdapter } from './live/live-io.adapter';
import { HealthRegistry } from './ops/health/health-registry';
import { observeHttpRequest } from './ops/metrics/app-metrics';

const KiB = 1024;
const BODY_LIMIT = 16 * KiB;
const BATCH_BODY_LIMIT = 64 * KiB;
const IMPORT_BODY_LIMIT = 64 * KiB * KiB;
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A caller's X-Request-Id is kept when it is sane; otherwise we mint one. Logs carry it. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function httpError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode, code });
}

/**
 * JSON bodies: 16 KiB, 64 KiB on batch routes (API §0); parse errors and oversize bodies become
 * API errors through the exception filter. NDJSON (import) is handed over as a stream.
 */
function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BATCH_BODY_LIMIT },
    (req: FastifyRequest, body: string | Buffer, done) => {
      const text = body.toString();
      const limit = req.url.split('?')[0].endsWith('/batch') ? BATCH_BODY_LIMIT : BODY_LIMIT;
      if (Buffer.byteLength(text) > limit) {
        return done(httpError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'body too large'), undefined);
      }
      if (text.trim() === '')
        return done(httpError(400, 'FST_ERR_CTP_EMPTY_JSON_BODY', 'empty'), undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(httpError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'invalid JSON'), undefined);
      }
    },
  );
  // NDJSON only where it is expected (import); elsewhere, as any other non-JSON body, 415.
  fastify.addContentTypeParser(
    'application/x-ndjson',
    { bodyLimit: IMPORT_BODY_LIMIT },
    (req, payload, done) =>
      req.url.split('?')[0].endsWith('/import')
        ? done(null, payload)
        : done(
            httpError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'unsupported media type'),
            undefined,
          ),
  );
  // Fastify's built-in text/plain parser would hand JSON routes a string (a 400, not the 415).
  fastify.removeContentTypeParser('text/plain');
}

/**
 * Errors Fastify raises before routing (a path that is not valid percent-encoding, `/v1/boards/%FF`)
 * in the API's error format. No route's hooks run for them, so the headers are set here.
 */
function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_BAD_URL'
      ? {
          code: 'VALIDATION_FAILED',
          message: 'the path is not valid percent-encoded UTF-8',
          details: [{ field: 'path', reason: 'is not valid percent-encoded UTF-8' }],
        }
      : { code: 'INTERNAL', message: 'internal error' };
  const status = body.code === 'INTERNAL' ? 500 : 400;
  observeHttpRequest(req.method, 'unmatched', status, reply.elapsedTime / 1000);
  void reply
    .status(status)
    .headers({ ...securityHeaders(req), 'x-request-id': req.id })
    .header('content-type', 'application/json')
    .send({ error: body });
}

function setupOpenApi(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('rankfeed')
    .setDescription(
      'Real-time leaderboards and activity feeds. Errors: {"error":{"code","message","details"}}. ' +
        'Ids match ^[A-Za-z0-9_.-]{1,64}$. Lists take limit (1..100) and an opaque cursor, ' +
        'valid only for the list that issued it. JSON bodies nest at most 32 levels deep.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'player session token' })
    .build();
  const document = addCommonResponses(SwaggerModule.createDocument(app, doc));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

export interface CreateAppOptions {
  /** Where the JSON log lines go (default stdout); tests read them from here. */
  logStream?: DestinationStream;
}

/** Builds the whole application (not listening yet); used by main.ts and by the e2e tests. */
export async function createApp(
  config: AppConfig,
  clock: Clock = new SystemClock(),
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: IMPORT_BODY_LIMIT,
    // request.ip (client IP of rate limits and logs) honours X-Forwarded-For only when configured.
    trustProxy: config.http.trustProxy,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: requestId,
    frameworkErrors: frameworkError,
    logger: {
      level: config.logLevel,
      redact: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie'],
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request is written in onResponse below, with the route and timing.
    disableRequestLogging: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, clock),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
      // Our own parsers below enforce API §0's limits and error codes.
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's logger is pino at run time; its declared type is a narrower interface.
  app.useLogger(new PinoNestLogger(fastify.log as unknown as PinoLogger));
  registerBodyParsers(fastify);
  await registerCors(app, config.http.corsOrigins);
  const health = app.get(HealthRegistry);
  // Every answer, errors and 404s included, carries its request id and the security headers.
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id).headers(securityHeaders(req));
    // Draining: a keep-alive connection would otherwise hold the server open after its last
    // response, up to the keep-alive timeout.
    if (health.shuttingDown) void reply.header('connection', 'close');
  });
  // HTTP metrics by route template (`/v1/boards/:boardId/top`), never the raw URL: ids stay out
  // of labels. Requests no route matched share one label.
  fastify.addHook('onResponse', async (req, reply) => {
    if (
      (req.log as unknown as PinoLogger).isLevelEnabled('info') &&
      !req.url.startsWith('/health')
    ) {
      req.log.info(
        {
          method: req.method,
          url: req.url,
          statusCode: reply.statusCode,
          ms: reply.elapsedTime,
          ip: req.ip,
        },
        'request completed',
      );
    }
    observeHttpRequest(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  // socket.io (/live) on the same HTTP server: websocket only, no compression, Origin checked.
  app.useWebSocketAdapter(new LiveIoAdapter(app, config.live.allowedOrigins));
  setupOpenApi(app);
  try {
    await app.init();
  } catch (error) {
    // A refusal at init (bad keys, production without keys) must not leave Redis connections open.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
