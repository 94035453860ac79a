import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApiKeyEntry, findApiKey, loadApiKeys } from '../auth/api-keys';
import { hasScope, Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';

/**
 * Turns a presented token into a principal, or null when the token is not of its kind. API keys
 * now; player session tokens (issue 5) plug in as another resolver in LiveAuthService.resolvers.
 */
export interface TokenResolver {
  resolve(token: string): Promise<Principal | null> | Principal | null;
}

class ApiKeyResolver implements TokenResolver {
  constructor(private readonly keys: ApiKeyEntry[]) {}

  resolve(token: string): Principal | null {
    const key = findApiKey(this.keys, token);
    return key ? { kind: 'apiKey', id: key.id, scopes: key.scopes } : null;
  }
}

/**
 * Who opens a /live socket (handshake `auth.token`): open mode lets everyone in; no token is an
 * anonymous socket (public boards only); a token nobody recognises is UNAUTHENTICATED; an API key
 * without the `read` scope is FORBIDDEN.
 */
@Injectable()
export class LiveAuthService implements OnModuleInit {
  private open = false;
  private resolvers: TokenResolver[] = [];

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const keys = loadApiKeys(this.config.auth.apiKeys, this.config.auth.apiKeysFile);
    this.open = keys.length === 0;
    this.resolvers = [new ApiKeyResolver(keys)];
  }

  async authenticate(token: unknown): Promise<Principal> {
    if (this.open) return { kind: 'open' };
    if (token === undefined || token === null || token === '') return { kind: 'anonymous' };
    if (typeof token !== 'string' || token.length > 512)
      throw new DomainError('UNAUTHENTICATED', 'invalid auth.token');
    for (const resolver of this.resolvers) {
      const principal = await resolver.resolve(token);
      if (!principal) continue;
      if (!hasScope(principal, 'read'))
        throw new DomainError('FORBIDDEN', "this key lacks the 'read' scope");
      return principal;
    }
    throw new DomainError('UNAUTHENTICATED', 'invalid auth.token');
  }
}
