import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable, wasNeverSent } from '../redis/redis-connections';
import { DomainError, ErrorCode, StoreUnavailableError } from './domain-error';

/** Fastify's own errors (body parsing, content types) by their code. */
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'content type is not supported'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION_FAILED', 'content length does not match body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_FAILED', 'body must be a JSON object'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_FAILED', 'body is not valid JSON'],
};

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The one mapping from errors to API.md §0 bodies. Clients see only `code`, `message` and
 * `details`; unknown errors are logged once with the stack and answered generically.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = this.toDomainError(exception, request);
    if (error.code === 'INTERNAL') {
      this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    }
    const body: { code: string; message: string; details?: unknown } = {
      code: error.code,
      message: error.message,
    };
    if (error.details !== undefined) body.details = error.details;
    for (const [name, value] of Object.entries(error.headers ?? {})) void reply.header(name, value);
    void reply
      .status(error.status)
      .header('content-type', 'application/json')
      .send({ error: body });
  }

  private toDomainError(exception: unknown, request: FastifyRequest): DomainError {
    if (exception instanceof DomainError) return exception;
    if (isStoreUnavailable(exception)) {
      const read = request.method === 'GET' || request.method === 'HEAD';
      return new StoreUnavailableError(read || wasNeverSent(exception) ? 'not_applied' : 'unknown');
    }
    const fastifyCode = (exception as { code?: string } | null)?.code;
    if (fastifyCode && FASTIFY_CODES[fastifyCode]) {
      const [code, message] = FASTIFY_CODES[fastifyCode];
      // API §0: every VALIDATION_FAILED carries field + reason details.
      const details =
        code === 'VALIDATION_FAILED' ? [{ field: 'body', reason: message }] : undefined;
      return new DomainError(code, message, details);
    }
    if (exception instanceof SyntaxError) {
      const message = 'body is not valid JSON';
      return new DomainError('VALIDATION_FAILED', message, [{ field: 'body', reason: message }]);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status];
      if (code) return new DomainError(code, status === 404 ? 'no such route' : exception.message);
    }
    return new DomainError('INTERNAL', 'internal error');
  }
}
