import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { Profile } from './player.types';

/** Player profiles, one hash per player under the player's hash tag. */
@Injectable()
export class ProfilesRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Replaces the profile; returns true when it did not exist before. */
  async put(playerId: string, profile: Profile): Promise<boolean> {
    const key = this.keys.playerProfile(playerId);
    const fields = Object.entries(profile)
      .filter(([, v]) => v !== undefined)
      .flat() as string[];
    const [[, existed]] = (await this.redis
      .multi()
      .exists(key)
      .del(key)
      .hset(key, ...fields)
      .exec()) as [[Error | null, number]];
    return existed === 0;
  }

  async get(playerId: string): Promise<Profile | null> {
    const h = await this.redis.hgetall(this.keys.playerProfile(playerId));
    return h.displayName === undefined ? null : (h as unknown as Profile);
  }

  /** Profiles of many players at once (auto-pipelined, one slot per player on a cluster). */
  async getMany(playerIds: string[]): Promise<Map<string, Profile>> {
    const rows = await Promise.all(playerIds.map((id) => this.get(id)));
    const out = new Map<string, Profile>();
    rows.forEach((p, i) => p && out.set(playerIds[i], p));
    return out;
  }

  async delete(playerId: string): Promise<boolean> {
    return (await this.redis.del(this.keys.playerProfile(playerId))) === 1;
  }
}
