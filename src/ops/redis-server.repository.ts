import { Inject, Injectable } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT, REDIS_SUBSCRIBER } from '../redis/redis.tokens';
import { RedisStats, statsFromInfo } from './health/redis-info';

/** What operations need to know about the Redis server(s): liveness, INFO, configuration. */
@Injectable()
export class RedisServerRepository {
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

  /** INFO of every master (one node when standalone), summed. Throws when Redis does not answer. */
  async stats(): Promise<RedisStats> {
    const infos = await Promise.all(this.masters().map((node) => node.info()));
    return statsFromInfo(infos);
  }

  /**
   * CONFIG GET of each name on every master: one map per node. One name per call: several names
   * in one CONFIG GET need Redis 7, and this runs once at start. Throws when CONFIG is disabled
   * (renamed away, as managed Redis services often do).
   */
  async config(names: string[]): Promise<Array<Map<string, string>>> {
    return Promise.all(
      this.masters().map(async (node) => {
        const map = new Map<string, string>();
        for (const name of names) {
          const flat = (await node.call('CONFIG', 'GET', name)) as string[];
          for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
        }
        return map;
      }),
    );
  }

  private masters(): Redis[] {
    return this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
  }
}
