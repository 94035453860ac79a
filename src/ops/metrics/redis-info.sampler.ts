import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RedisServerRepository } from '../redis-server.repository';
import { redisInfo } from './app-metrics';

/**
 * Copies INFO figures into gauges every REDIS_INFO_INTERVAL_MS (and once at start), so a scrape
 * reads memory only and never costs Redis a command, however often Prometheus scrapes.
 */
@Injectable()
export class RedisInfoSampler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly redis: RedisServerRepository,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.ops.redisInfoIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One INFO per master; a failure marks rankfeed_redis_up 0 and keeps the last figures. */
  async sample(): Promise<void> {
    if (this.running) return; // a slow Redis must not pile up samples
    this.running = true;
    try {
      const s = await this.redis.stats();
      redisInfo.usedMemory.set(s.usedMemory);
      redisInfo.maxMemory.set(s.maxMemory);
      redisInfo.connectedClients.set(s.connectedClients);
      redisInfo.keyspaceHits.set(s.keyspaceHits);
      redisInfo.keyspaceMisses.set(s.keyspaceMisses);
      redisInfo.evictedKeys.set(s.evictedKeys);
      redisInfo.sampledAt.set(Date.now() / 1000);
      redisInfo.up.set(1);
    } catch {
      redisInfo.up.set(0);
    } finally {
      this.running = false;
    }
  }
}
