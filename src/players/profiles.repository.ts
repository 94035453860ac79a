import { Inject, Injectable } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { Profile } from './player.types';

/**
 * Player profiles: one JSON string per player under the player's hash tag. A string (not a hash)
 * so a page of entries joins its profiles with one MGET on a standalone Redis.
 */
@Injectable()
export class ProfilesRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Replaces the profile; returns true when it did not exist before. */
  async put(playerId: string, profile: Profile): Promise<boolean> {
    const previous = await this.redis.set(
      this.keys.playerProfile(playerId),
      JSON.stringify(profile),
      'GET',
    );
    return previous === null;
  }

  async get(playerId: string): Promise<Profile | null> {
    return parse(await this.redis.get(this.keys.playerProfile(playerId)));
  }

  /** Profiles of many players: one MGET standalone; per-key GETs (auto-pipelined per node) on a cluster. */
  async getMany(playerIds: string[]): Promise<Map<string, Profile>> {
    const out = new Map<string, Profile>();
    if (playerIds.length === 0) return out;
    const keys = playerIds.map((id) => this.keys.playerProfile(id));
    const rows =
      this.redis instanceof Cluster
        ? await Promise.all(keys.map((k) => this.redis.get(k)))
        : await this.redis.mget(...keys);
    rows.forEach((row, i) => {
      const profile = parse(row);
      if (profile) out.set(playerIds[i], profile);
    });
    return out;
  }

  async delete(playerId: string): Promise<boolean> {
    return (await this.redis.del(this.keys.playerProfile(playerId))) === 1;
  }
}

function parse(row: string | null): Profile | null {
  return row === null ? null : (JSON.parse(row) as Profile);
}
