import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { StoreUnavailableError } from '../common/domain-error';
import { Keys } from '../redis/keys';
import { isStoreUnavailable, RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { BucketLimit, RateDecision, WindowLimit } from './rate-limit.types';

/**
 * The only rate-limit code talking to Redis: token buckets and sliding windows, each one script on
 * one key, timed by Redis' clock so instances with skewed clocks agree. A Redis that does not
 * answer is a StoreUnavailableError (`not_applied`: the request it guards has not run).
 */
@Injectable()
export class RateLimitRepository {
  /** Window members are `<instance><counter>`: unique across instances and requests. */
  private readonly instance = randomBytes(6).toString('base64url');
  private hits = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Takes one token from the subject's bucket for `scope`, if it has one. */
  takeToken(subject: string, scope: string, { burst, rate }: BucketLimit): Promise<RateDecision> {
    const key = this.keys.rateBucket(subject, scope);
    return this.decide(burst, () => this.redis.rfTakeToken(1, key, burst, rate, 1));
  }

  /** Records a hit in the subject's window if fewer than `max` happened within `windowMs`. */
  hit(
    subject: string,
    window: 'reads' | 'connects',
    { max, windowMs }: WindowLimit,
  ): Promise<RateDecision> {
    const key = this.keys.rateWindow(subject, window);
    this.hits = (this.hits + 1) % Number.MAX_SAFE_INTEGER;
    const member = `${this.instance}${this.hits}`;
    return this.decide(max, () => this.redis.rfSlideWindow(1, key, max, windowMs, member));
  }

  private async decide(limit: number, run: () => Promise<number[]>): Promise<RateDecision> {
    let reply: number[];
    try {
      reply = await run();
    } catch (error) {
      if (isStoreUnavailable(error)) throw new StoreUnavailableError('not_applied');
      throw error;
    }
    const [allowed, remaining, retryAfterMs, resetMs] = reply;
    return { allowed: allowed === 1, limit, remaining, retryAfterMs, resetMs };
  }
}
