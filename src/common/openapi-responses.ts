import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { responses?: Record<string, unknown>; security?: unknown[] };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'VALIDATION_FAILED' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

const errorBody = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const retryAfter = {
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
};

const rateLimitHeaders = {
  ...retryAfter,
  'RateLimit-Limit': { description: 'capacity of the limit charged', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'what is left of it', schema: { type: 'integer' } },
  'RateLimit-Reset': {
    description: 'seconds until one more is admitted',
    schema: { type: 'integer' },
  },
};

/**
 * The answers every /v1 operation can give besides its own (API §0, §6, §9): they come from the
 * global pipe, guards and filter, so no controller declares them. Added to the document once:
 * 400 (validation), 401/403 on secured operations, 429 (rate limits) and 503 (Redis not
 * answering), each with the error body and the headers it carries. Declared answers are kept.
 */
export function addCommonResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Error: ERROR_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const common: Record<string, unknown> = {
        '400': errorBody('VALIDATION_FAILED, INVALID_CURSOR or another invalid input (API §0)'),
        '429': errorBody('RATE_LIMITED: a rate limit of the caller was reached', rateLimitHeaders),
        '503': errorBody(
          'STORE_UNAVAILABLE: Redis is not answering; details.outcome says whether a write ' +
            'was applied (not_applied / unknown)',
          retryAfter,
        ),
      };
      if (op.security?.length) {
        common['401'] = errorBody('UNAUTHENTICATED: no, or an unknown, API key or session token');
        common['403'] = errorBody(
          'FORBIDDEN: the credentials lack the scope, or act for another player',
        );
      }
      op.responses = { ...common, ...(op.responses ?? {}) };
    }
  }
  return document;
}
