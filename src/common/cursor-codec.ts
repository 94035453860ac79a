import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './domain-error';

/**
 * Opaque cursors: base64url JSON plus a truncated HMAC, so a client can neither read meaning into
 * them nor hand the server a position it did not issue. A bad or tampered cursor → INVALID_CURSOR.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode<T extends object>(cursor: string, isValid: (value: unknown) => value is T): T {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined || cursor.length > 1024) throw invalidCursor();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw invalidCursor();
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (!isValid(value)) throw invalidCursor();
    return value;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

function invalidCursor(): DomainError {
  return new DomainError('INVALID_CURSOR', 'cursor is malformed or was not issued by this service');
}

/**
 * A type guard for the common cursor shape: an object whose named fields are strings (and
 * numbers). Cursors are signed, so this guards against our own format drifting, not forgery.
 */
export function cursorOf<T extends object>(
  strings: readonly string[],
  numbers: readonly string[] = [],
): (value: unknown) => value is T {
  return (value: unknown): value is T => {
    if (typeof value !== 'object' || value === null) return false;
    const o = value as Record<string, unknown>;
    return (
      strings.every((k) => typeof o[k] === 'string') &&
      numbers.every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]))
    );
  };
}
