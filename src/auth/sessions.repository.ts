import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { StoredSession } from './session.types';

/**
 * Sessions in Redis: one key per session (`{s:<id>}`, PX = its lifetime) and a per-player index
 * (`{p:<id>}:sessions`, scored by expiry) to end them all and cap them. The two live in different
 * cluster slots: the index is written first and the session key last, so a failure in between
 * leaves only an index entry without a session, which readers ignore and pruning removes.
 */
@Injectable()
export class SessionsRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Stores a session; returns the ids of older sessions the per-player cap pushed out. */
  async create(id: string, session: StoredSession, nowMs: number, cap: number): Promise<string[]> {
    const ttlMs = session.ttlSeconds * 1000;
    const evicted = await this.redis.rfAddSession(
      1,
      this.keys.playerSessions(session.playerId),
      id,
      nowMs + ttlMs,
      nowMs,
      cap,
    );
    await this.redis.set(this.keys.session(id), JSON.stringify(session), 'PX', ttlMs);
    await this.deleteKeys(evicted);
    return evicted;
  }

  async get(id: string): Promise<StoredSession | null> {
    const json = await this.redis.get(this.keys.session(id));
    return json === null ? null : (JSON.parse(json) as StoredSession);
  }

  /** Milliseconds the session has left; 0 once it has ended. */
  async remainingMs(id: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.keys.session(id)));
  }

  /** Extends a live session to `nowMs + ttl`; false when it has already ended. */
  async extend(id: string, playerId: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const alive = await this.redis.pexpire(this.keys.session(id), ttlMs);
    if (alive !== 1) return false;
    const index = this.keys.playerSessions(playerId);
    await this.redis.zadd(index, 'XX', nowMs + ttlMs, id);
    await this.redis.pexpireat(index, nowMs + ttlMs, 'GT');
    return true;
  }

  async delete(id: string, playerId: string): Promise<void> {
    await this.redis.del(this.keys.session(id));
    await this.redis.zrem(this.keys.playerSessions(playerId), id);
  }

  /** Ends every session of a player (bounded by SESSIONS_PER_PLAYER); returns their ids. */
  async deleteAll(playerId: string): Promise<string[]> {
    const index = this.keys.playerSessions(playerId);
    const ids = await this.redis.zrange(index, 0, -1);
    await this.deleteKeys(ids);
    await this.redis.del(index); // last: a retry after a failure finds the ids again
    return ids;
  }

  /** One command per key: each session key is in its own cluster slot. */
  private async deleteKeys(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.redis.del(this.keys.session(id))));
  }
}
