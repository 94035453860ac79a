import { Injectable, OnModuleInit } from '@nestjs/common';
import { RedisServerRepository } from '../redis-server.repository';
import { HealthRegistry } from './health-registry';

/** The readiness checks every instance has: the command connection answers, the subscriber is up. */
@Injectable()
export class RedisReadiness implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly redis: RedisServerRepository,
  ) {}

  onModuleInit(): void {
    this.registry.addCheck('redis', async () =>
      (await this.redis.ping()) ? null : 'redis is not answering',
    );
    this.registry.addCheck('subscriber', () =>
      this.redis.subscriberConnected() ? null : 'redis subscriber connection is down',
    );
  }
}
