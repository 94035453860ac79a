/** Stable error codes of the API (API.md §0) and the HTTP status each maps to. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BOARD_NOT_FOUND: 404,
  PLAYER_NOT_FOUND: 404,
  NOT_RANKED: 404,
  CYCLE_NOT_FOUND: 404,
  ACTIVITY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  CURSOR_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  field?: string;
  reason?: string;
  [key: string]: unknown;
}

/** What services throw; one filter per transport turns it into the wire format. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const validationFailed = (field: string, reason: string): DomainError =>
  new DomainError('VALIDATION_FAILED', `${field} ${reason}`, [{ field, reason }]);

/** Redis did not answer. `unknown`: a write may or may not have applied; retry with the same key. */
export class StoreUnavailableError extends DomainError {
  constructor(outcome: 'not_applied' | 'unknown') {
    super(
      'STORE_UNAVAILABLE',
      'The data store is unavailable; retry shortly.',
      { outcome },
      {
        'Retry-After': '1',
      },
    );
  }
}
