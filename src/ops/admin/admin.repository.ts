import { Inject, Injectable } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../../redis/redis-connections';
import { REDIS_CLIENT } from '../../redis/redis.tokens';

export interface KeyDescription {
  type: string;
  /** Seconds; -1 without expiry, -2 when the key vanished meanwhile. */
  ttl: number;
  /** Members / fields / elements; bytes for strings. */
  size: number;
}

const SIZE_COMMAND: Record<string, string> = {
  string: 'strlen',
  hash: 'hlen',
  zset: 'zcard',
  set: 'scard',
  list: 'llen',
  stream: 'xlen',
};

/**
 * Inspection of the namespace for admins: SCAN (never KEYS), per node. Nodes are the masters of a
 * cluster in address order (a stable index for cursors), or the one standalone server. Keys of one
 * node may lie in several slots, so pipelines are sent to that node's own connection.
 */
@Injectable()
export class AdminRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  nodeCount(): number {
    return this.nodes().length;
  }

  /** One SCAN step on node `node`: [next cursor ('0' at the end), keys]. */
  async scan(
    node: number,
    cursor: string,
    pattern: string,
    count: number,
  ): Promise<[string, string[]]> {
    const client = this.nodes()[node];
    if (!client) return ['0', []];
    return client.scan(cursor, 'MATCH', pattern, 'COUNT', count);
  }

  /** Type, TTL and size of each key (two pipelined round trips to the node). */
  async describe(node: number, keys: string[]): Promise<KeyDescription[]> {
    if (keys.length === 0) return [];
    const client = this.nodes()[node];
    const first = client.pipeline();
    for (const key of keys) first.type(key).ttl(key);
    const replies = (await first.exec()) ?? [];
    const types = keys.map((_, i) => String(replies[2 * i]?.[1] ?? 'none'));
    const ttls = keys.map((_, i) => Number(replies[2 * i + 1]?.[1] ?? -2));
    const second = client.pipeline();
    keys.forEach((key, i) => second.call(SIZE_COMMAND[types[i]] ?? 'exists', key));
    const sizes = (await second.exec()) ?? [];
    return keys.map((_, i) => ({
      type: types[i],
      ttl: ttls[i],
      size: SIZE_COMMAND[types[i]] ? Number(sizes[i]?.[1] ?? 0) : 0,
    }));
  }

  /** MEMORY USAGE of each key in bytes (nested values sampled, Redis' default of 5); null if gone. */
  async memoryUsage(node: number, keys: string[]): Promise<Array<number | null>> {
    if (keys.length === 0) return [];
    const pipeline = this.nodes()[node].pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, bytes]) => (err || bytes === null ? null : Number(bytes)));
  }

  private nodes(): Redis[] {
    if (!(this.redis instanceof Cluster)) return [this.redis];
    const address = (n: Redis): string =>
      `${n.options.host}:${String(n.options.port).padStart(5, '0')}`;
    return this.redis.nodes('master').sort((a, b) => address(a).localeCompare(address(b)));
  }
}
