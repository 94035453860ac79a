import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ApiKeyStore } from './api-key.store';
import type { Principal } from './principal';
import { isSessionToken, SessionsService } from './sessions.service';

/** Longest credential looked at; anything longer is refused without hashing it. */
const MAX_CREDENTIAL_LENGTH = 512;

const unauthenticated = (what: string): DomainError =>
  new DomainError('UNAUTHENTICATED', `invalid ${what}`);

/**
 * Turns presented credentials into a Principal, the same way for REST and /live: an API key
 * (checked in memory, in constant time), or a player session token (looked up in Redis). Nothing
 * presented is `open` when no keys are configured, else `anonymous`. A credential that is
 * presented but wrong is always UNAUTHENTICATED, never silently anonymous.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly sessions: SessionsService,
  ) {}

  /** REST: `X-API-Key`, else `Authorization: Bearer <session token>`. */
  async fromHeaders(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const apiKey = headers['x-api-key'];
    if (apiKey !== undefined && apiKey !== '') {
      if (this.keys.open) return { kind: 'open' };
      return this.apiKey(apiKey, 'X-API-Key');
    }
    const authorization = headers.authorization;
    if (authorization !== undefined && authorization !== '') {
      const match =
        typeof authorization === 'string' ? /^Bearer ([^\s]+)$/i.exec(authorization) : null;
      if (!match) throw unauthenticated('Authorization (expected "Bearer <session token>")');
      return this.session(match[1], 'session token');
    }
    return this.keys.open ? { kind: 'open' } : { kind: 'anonymous' };
  }

  /** /live handshake `auth.token`: a session token or an API key; none → open or anonymous. */
  async fromToken(token: unknown): Promise<Principal> {
    if (token === undefined || token === null || token === '') {
      return this.keys.open ? { kind: 'open' } : { kind: 'anonymous' };
    }
    if (typeof token !== 'string') throw unauthenticated('auth.token');
    if (isSessionToken(token)) return this.session(token, 'auth.token');
    if (this.keys.open) return { kind: 'open' };
    return this.apiKey(token, 'auth.token');
  }

  private apiKey(presented: string | string[], what: string): Principal {
    if (typeof presented !== 'string' || presented.length > MAX_CREDENTIAL_LENGTH) {
      throw unauthenticated(what);
    }
    const key = this.keys.find(presented);
    if (!key) throw unauthenticated(what);
    return { kind: 'apiKey', id: key.id, scopes: key.scopes };
  }

  private async session(token: string, what: string): Promise<Principal> {
    const principal =
      token.length <= MAX_CREDENTIAL_LENGTH ? await this.sessions.resolve(token) : null;
    if (!principal) throw unauthenticated(what);
    return principal;
  }
}
