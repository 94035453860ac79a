import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { Post } from './post.types';

/** Per-player capped post lists: ids newest first plus a hash of bodies, both under `{p:<id>}`. */
@Injectable()
export class PostsRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Prepends unless the id is already listed; returns the stored post and whether it was new. */
  async add(post: Post, cap: number): Promise<{ created: boolean; post: Post }> {
    const reply = await this.redis.rfAddPost(
      2,
      this.keys.posts(post.playerId),
      this.keys.postBodies(post.playerId),
      post.id,
      JSON.stringify(post),
      cap,
    );
    return { created: reply[0] === 'A', post: JSON.parse(reply.slice(1)) as Post };
  }

  /**
   * Up to `limit` + 1 posts, newest first, after the post `afterId` (from the start when null);
   * 'GONE' when `afterId` has been trimmed off the list.
   */
  async page(playerId: string, afterId: string | null, limit: number): Promise<Post[] | 'GONE'> {
    const [status, ...rows] = await this.redis.rfReadPosts(
      2,
      this.keys.posts(playerId),
      this.keys.postBodies(playerId),
      afterId ?? '',
      limit,
    );
    if (status === 'GONE') return 'GONE';
    return rows.map((r) => JSON.parse(r) as Post);
  }

  async delete(playerId: string): Promise<void> {
    await this.redis.unlink(this.keys.posts(playerId), this.keys.postBodies(playerId));
  }
}
