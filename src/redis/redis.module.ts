import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Keys } from './keys';
import { connectRedis, RedisClient } from './redis-connections';
import { REDIS_CLIENT, REDIS_SUBSCRIBER } from './redis.tokens';

class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly client: RedisClient,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: RedisClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}

/** Two connections: commands (scripts registered) and pub/sub, standalone or cluster. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (cfg: AppConfig) => connectRedis(cfg.redis, 'command'),
    },
    {
      provide: REDIS_SUBSCRIBER,
      inject: [AppConfig],
      useFactory: (cfg: AppConfig) => connectRedis(cfg.redis, 'subscriber'),
    },
    {
      provide: Keys,
      inject: [AppConfig],
      useFactory: (cfg: AppConfig) => new Keys(cfg.redis.prefix),
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT, REDIS_SUBSCRIBER, Keys],
})
export class RedisModule {}
