import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { feedMember } from './activity-id';
import { FeedsRepository } from './feeds.repository';
import { feedMetrics } from './feeds.metrics';

/** What a follow or an unfollow does to the follower's home feed (DESIGN §5). */
@Injectable()
export class FollowFeedsService {
  constructor(
    private readonly repo: FeedsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Backfills the followee's recent activities (FEED_BACKFILL_ITEMS). Authors above the fan-out
   * threshold are merged at read time, so nothing is copied for them. Rows whose activity was
   * deleted meanwhile are taken out again, as the fan-out worker does.
   */
  async followed(followerId: string, targetId: string): Promise<void> {
    const n = this.config.feeds.backfillItems;
    if (n === 0) return;
    if ((await this.repo.followerCount(targetId)) > this.config.feeds.fanoutThreshold) return;
    const now = this.clock.now().getTime();
    const rows = await this.repo.recentStream(targetId, n, now);
    await this.repo.addRowsToFeed(followerId, rows, now);
    const bodies = await this.repo.bodies(rows);
    const gone = rows.filter((_, i) => bodies[i] === null).map((r) => feedMember(r.id, r.actor));
    await this.repo.removeFromFeeds([followerId], gone);
    feedMetrics.writes.inc({ op: 'add' }, rows.length);
  }

  /** Removes every activity of the former followee from the follower's feed. */
  async unfollowed(followerId: string, targetId: string): Promise<void> {
    const ids = await this.repo.allStreamIds(targetId);
    let removed = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const members = ids.slice(i, i + 1000).map((id) => feedMember(id, targetId));
      removed += await this.repo.removeFromFeeds([followerId], members);
    }
    feedMetrics.writes.inc({ op: 'remove' }, removed);
  }
}
