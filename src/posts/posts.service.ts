import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { CursorCodec, cursorOf } from '../common/cursor-codec';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import type { Post } from './post.types';
import { PostsRepository } from './posts.repository';

/** `k` names the list: a followers/following cursor also has `o` and `a`. */
interface PostsCursor {
  k: 'posts';
  o: string;
  a: string;
}

const isPostsCursor = cursorOf<PostsCursor>(['k', 'o', 'a']);

/**
 * A time-sortable id: 9 base-36 digits of the epoch ms (sortable until the year 5188), then
 * 8 random hex digits. Matches the id pattern of API §0.
 */
export function newPostId(nowMs: number): string {
  return `${nowMs.toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
}

/** Posts (API §5): capped per player (POSTS_CAP), deduplicated by id, newest first. */
@Injectable()
export class PostsService {
  constructor(
    private readonly repo: PostsRepository,
    private readonly clock: Clock,
    private readonly cursors: CursorCodec,
    private readonly config: AppConfig,
  ) {}

  /**
   * A client may send its own `id` so a retry is not duplicated: the same id again answers the
   * stored post (created: false) while it is still among the player's last POSTS_CAP posts.
   */
  async create(playerId: string, text: string, id?: string) {
    const now = this.clock.now();
    const post: Post = {
      id: id ?? newPostId(now.getTime()),
      playerId,
      text,
      time: now.toISOString(),
    };
    return this.repo.add(post, this.config.posts.cap);
  }

  /** Newest first; the cursor is the last post's id, so posts added meanwhile never shift a page. */
  async list(playerId: string, limit: number, cursor?: string) {
    let after: string | null = null;
    if (cursor) {
      const c = this.cursors.decode(cursor, isPostsCursor);
      if (c.k !== 'posts')
        throw new DomainError('INVALID_CURSOR', 'cursor belongs to another list');
      if (c.o !== playerId)
        throw new DomainError('INVALID_CURSOR', 'cursor belongs to another player');
      after = c.a;
    }
    const rows = await this.repo.page(playerId, after, limit);
    if (rows === 'GONE') {
      throw new DomainError('CURSOR_EXPIRED', 'the posts this cursor was paging have been trimmed');
    }
    const posts = rows.slice(0, limit);
    const nextCursor =
      rows.length > limit
        ? this.cursors.encode({ k: 'posts', o: playerId, a: posts[posts.length - 1].id })
        : null;
    return { posts, nextCursor };
  }

  async erasePlayer(playerId: string): Promise<void> {
    await this.repo.delete(playerId);
  }
}
