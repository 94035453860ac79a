import { Injectable } from '@nestjs/common';
import type { Principal, Scope } from '../auth/principal';
import { StoreUnavailableError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { InProcessWindows } from './in-process-windows';
import { rateLimitMetrics } from './rate-limit.metrics';
import { RateLimitRepository } from './rate-limit.repository';
import type { BucketLimit, Limiter, RateDecision, WindowLimit } from './rate-limit.types';

/** Subjects the in-process fallback remembers (about 100 bytes each). */
const FALLBACK_SUBJECTS = 10_000;
/** A per-scope rate of 0 would never refill: one token an hour is the slowest we go. */
const MIN_RATE = 1 / 3600;

/**
 * Who is charged for what (API §6, §9):
 * - an API key: each write takes a token from the bucket of (key, the route's scope); its reads
 *   are not limited;
 * - a player token: every request, read or write, is a hit on the player's sliding window;
 * - no credentials (anonymous, or open mode): writes take from the bucket of (client IP, scope),
 *   reads hit the IP's window.
 * Each request costs one token or hit, a batch too. When Redis does not answer, a write is refused
 * (503, nothing ran) and a read is decided by an in-process window with the same limits.
 */
@Injectable()
export class RateLimitService {
  private readonly fallback = new InProcessWindows(FALLBACK_SUBJECTS);
  private readonly reads: WindowLimit;
  private readonly connects: WindowLimit;

  constructor(
    private readonly repo: RateLimitRepository,
    private readonly config: AppConfig,
  ) {
    this.reads = { max: config.rateLimit.readMax, windowMs: config.rateLimit.readWindowMs };
    this.connects = { max: config.live.connectMax, windowMs: config.live.connectWindowMs };
  }

  get enabled(): boolean {
    return this.config.rateLimit.enabled;
  }

  /** Charges one REST request; null when nothing limits it (an API key's read). */
  async charge(
    principal: Principal,
    scope: Scope,
    write: boolean,
    ipSubject: string,
  ): Promise<RateDecision | null> {
    switch (principal.kind) {
      case 'apiKey':
        return write ? this.takeToken(`k:${principal.id}`, scope) : null;
      case 'player':
        return this.hit('read', `p:${principal.playerId}`, 'reads', this.reads, write);
      default:
        return write
          ? this.takeToken(ipSubject, scope)
          : this.hit('read', ipSubject, 'reads', this.reads, false);
    }
  }

  /**
   * Charges a request whose credentials were refused (401) to its address's read window, so
   * guessing keys or tokens is as limited as anonymous reading. Null when limits are off.
   */
  async chargeFailedAuth(ipSubject: string): Promise<RateDecision | null> {
    if (!this.enabled) return null;
    return this.hit('read', ipSubject, 'reads', this.reads, false);
  }

  /** Charges one /live connection attempt to the client's address. */
  chargeConnect(ipSubject: string): Promise<RateDecision> {
    return this.hit('live_connect', ipSubject, 'connects', this.connects, false);
  }

  private async takeToken(subject: string, scope: Scope): Promise<RateDecision> {
    const { writeBurst, writeRate, scopes } = this.config.rateLimit;
    const limit: BucketLimit = scopes.get(scope) ?? { burst: writeBurst, rate: writeRate };
    const decision = await this.repo.takeToken(subject, scope, {
      burst: limit.burst,
      rate: Math.max(limit.rate, MIN_RATE),
    });
    return this.counted('write', decision);
  }

  private async hit(
    limiter: Limiter,
    subject: string,
    window: 'reads' | 'connects',
    limit: WindowLimit,
    write: boolean,
  ): Promise<RateDecision> {
    try {
      return this.counted(limiter, await this.repo.hit(subject, window, limit));
    } catch (error) {
      if (write || !(error instanceof StoreUnavailableError)) throw error;
      rateLimitMetrics.fallbacks.inc({ limiter });
      return this.counted(limiter, this.fallback.hit(`${window}:${subject}`, limit, Date.now()));
    }
  }

  private counted(limiter: Limiter, decision: RateDecision): RateDecision {
    if (!decision.allowed) rateLimitMetrics.refusals.inc({ limiter });
    return decision;
  }
}
