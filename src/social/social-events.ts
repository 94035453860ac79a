import { Injectable } from '@nestjs/common';
import type { PlayerId } from './social.types';

/** What the feeds feature (or any other) does when an edge of the graph appears or goes. */
export interface SocialListener {
  followed?(followerId: PlayerId, targetId: PlayerId): Promise<void> | void;
  unfollowed?(followerId: PlayerId, targetId: PlayerId): Promise<void> | void;
}

/**
 * In-process hooks after a follow or unfollow has been written (both sides), so feeds can backfill
 * or remove an author's items without the social module depending on them. Listeners are awaited
 * and a failure fails the request: follow and unfollow are idempotent, so the client's retry
 * rewrites the edge and runs the hooks again (listeners must be idempotent too). Hooks run on
 * every successful call, including repeats, so a retry after a half-done hook completes it.
 * Erase-everywhere does not call them: each feature erases its own data for the player.
 */
@Injectable()
export class SocialEvents {
  private readonly listeners: SocialListener[] = [];

  listen(listener: SocialListener): void {
    this.listeners.push(listener);
  }

  async followed(followerId: PlayerId, targetId: PlayerId): Promise<void> {
    await this.emit((l) => l.followed?.(followerId, targetId));
  }

  async unfollowed(followerId: PlayerId, targetId: PlayerId): Promise<void> {
    await this.emit((l) => l.unfollowed?.(followerId, targetId));
  }

  private async emit(call: (l: SocialListener) => Promise<void> | void): Promise<void> {
    const results = await Promise.allSettled(this.listeners.map(async (l) => call(l)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
