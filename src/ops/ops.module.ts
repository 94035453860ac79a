import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { AdminController } from './admin/admin.controller';
import { AdminRepository } from './admin/admin.repository';
import { AdminService } from './admin/admin.service';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { RedisReadiness } from './health/redis-readiness';
import { ensureDefaultMetrics } from './metrics/default-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { RedisInfoSampler } from './metrics/redis-info.sampler';
import { instrumentRedis } from './metrics/redis-instrumentation';
import { RedisConfigGuard } from './redis-config.guard';
import { RedisServerRepository } from './redis-server.repository';

/**
 * Health, metrics, admin inspection, the Redis configuration guard and the shutdown hook.
 * Global so any feature can inject HealthRegistry to add a readiness check or a shutdown hook.
 */
@Global()
@Module({
  controllers: [HealthController, MetricsController, AdminController],
  providers: [
    HealthRegistry,
    RedisReadiness,
    RedisServerRepository,
    RedisConfigGuard,
    RedisInfoSampler,
    AdminRepository,
    AdminService,
  ],
  exports: [HealthRegistry],
})
export class OpsModule implements OnModuleInit {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  onModuleInit(): void {
    ensureDefaultMetrics();
    instrumentRedis(this.redis);
  }
}
