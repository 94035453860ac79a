import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SCOPE_KEY } from '../auth/auth.decorators';
import type { Scope } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { ipSubject } from './client-ip';
import { RateLimitService } from './rate-limit.service';
import type { RateDecision } from './rate-limit.types';

/**
 * The second global guard, after the auth guard has set `request.principal`: charges the request
 * to its limiter and answers the limiter's state in `RateLimit-*` headers, allowed or not. Routes
 * without a scope (health, metrics, docs) are never limited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limits.enabled || context.getType() !== 'http') return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    const decision = await this.limits.charge(
      request.principal ?? { kind: 'anonymous' },
      scope,
      write,
      ipSubject(request.ip),
    );
    if (!decision) return true;
    if (!decision.allowed) throw rateLimited(decision);
    void http.getResponse<FastifyReply>().headers(rateLimitHeaders(decision));
    return true;
  }
}

/** The 429 answer to a refused decision, with its headers. */
export function rateLimited(decision: RateDecision): DomainError {
  const headers = rateLimitHeaders(decision);
  return new DomainError(
    'RATE_LIMITED',
    `rate limit exceeded; retry in ${headers['Retry-After']} s`,
    undefined,
    headers,
  );
}

/** `RateLimit-Reset` and `Retry-After` are whole seconds, rounded up (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(Math.ceil(d.resetMs / 1000)),
  };
  if (!d.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
  return headers;
}
