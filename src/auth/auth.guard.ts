import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error';
import { ipSubject } from '../rate-limit/client-ip';
import { rateLimited } from '../rate-limit/rate-limit.guard';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ANONYMOUS_KEY, PLAYER_SELF_KEY, SCOPE_KEY } from './auth.decorators';
import { Authenticator } from './authenticator';
import { hasScope, Principal, Scope } from './principal';

/**
 * The global guard (API §6): resolves the caller into `request.principal` and enforces the route's
 * scope. A player token may read, and act only as itself on routes marked `PlayerSelf`; on any
 * other write, or as another player, it is FORBIDDEN. Limits on valid callers are charged by the
 * RateLimitGuard that runs next.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets);
    if (!scope) return true; // probes, docs, metrics
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;
    if (principal.kind === 'anonymous') {
      if (this.reflector.getAllAndOverride<boolean>(ANONYMOUS_KEY, targets)) return true;
      throw new DomainError('UNAUTHENTICATED', 'missing credentials: X-API-Key or a session token');
    }
    if (principal.kind === 'player') {
      const self = this.reflector.getAllAndOverride<string | undefined>(PLAYER_SELF_KEY, targets);
      if (self) return this.actsAsItself(principal, request, self);
    }
    if (!hasScope(principal, scope)) throw forbidden(principal, scope);
    return true;
  }

  /** Refused credentials are charged to the client address, so guessing them is rate-limited. */
  private async authenticate(request: FastifyRequest): Promise<Principal> {
    try {
      return await this.authenticator.fromHeaders(request.headers);
    } catch (error) {
      const decision = await this.limits.chargeFailedAuth(ipSubject(request.ip));
      if (decision && !decision.allowed) throw rateLimited(decision);
      throw error;
    }
  }

  private actsAsItself(
    principal: Extract<Principal, { kind: 'player' }>,
    request: FastifyRequest,
    param: string,
  ): boolean {
    const target = (request.params as Record<string, string | undefined>)[param];
    if (target !== principal.playerId) {
      throw new DomainError('FORBIDDEN', 'a player token may act only as its own player');
    }
    return true;
  }
}

function forbidden(principal: Principal, scope: Scope): DomainError {
  return new DomainError(
    'FORBIDDEN',
    principal.kind === 'player'
      ? `a player token cannot use routes that need the '${scope}' scope`
      : `this key lacks the '${scope}' scope`,
  );
}
