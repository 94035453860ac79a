import { CanActivate, ExecutionContext, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { ApiKeyEntry, findApiKey, loadApiKeys } from './api-keys';
import { ANONYMOUS_KEY, SCOPE_KEY } from './auth.decorators';
import { hasScope, Principal, Scope } from './principal';

/** Resolves `X-API-Key` into a Principal and enforces the route's scope (API §6). */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger('Auth');
  private keys: ApiKeyEntry[] = [];

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.keys = loadApiKeys(this.config.auth.apiKeys, this.config.auth.apiKeysFile);
    if (this.keys.length === 0) {
      if (this.config.production) {
        throw new Error(
          'No API keys configured (RANKFEED_API_KEYS / RANKFEED_API_KEYS_FILE) and NODE_ENV=production: refusing to run open.',
        );
      }
      this.logger.warn(
        'NO API KEYS CONFIGURED: the service is OPEN, every request is allowed. Set RANKFEED_API_KEYS.',
      );
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true; // probes, docs
    const anonymousOk = this.reflector.getAllAndOverride<boolean>(ANONYMOUS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = this.resolve(request);
    request.principal = principal;
    if (principal.kind === 'anonymous') {
      if (anonymousOk) return true;
      throw new DomainError('UNAUTHENTICATED', 'missing or invalid X-API-Key');
    }
    if (!hasScope(principal, scope)) {
      throw new DomainError('FORBIDDEN', `this key lacks the '${scope}' scope`);
    }
    return true;
  }

  private resolve(request: FastifyRequest): Principal {
    if (this.keys.length === 0) return { kind: 'open' };
    const presented = request.headers['x-api-key'];
    if (typeof presented !== 'string' || presented === '') return { kind: 'anonymous' };
    const key = findApiKey(this.keys, presented);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'missing or invalid X-API-Key');
    return { kind: 'apiKey', id: key.id, scopes: key.scopes };
  }
}
