import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT, REDIS_SUBSCRIBER } from '../redis/redis.tokens';

/** What readiness needs to know about Redis. */
@Injectable()
export class HealthRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: RedisClient,
  ) {}

  /** Round trip to the command connection (bounded by the command timeout). */
  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  subscriberConnected(): boolean {
    return this.subscriber.status === 'ready';
  }
}
