import { Injectable } from '@nestjs/common';
import { ActivitiesService, ActivityList } from './activities.service';
import type { ActivityListQuery } from './dto/activity.dto';
import type { FeedSource } from './feed-pager';
import { FeedsRepository } from './feeds.repository';

/**
 * The home feed (API §5): the player's materialized feed (fan-out on write: followees' and own
 * activities), merged at read time with the streams of followees above the fan-out threshold.
 * Each source is read for the page window only and merged by (time, id).
 */
@Injectable()
export class HomeFeedService {
  constructor(
    private readonly repo: FeedsRepository,
    private readonly activities: ActivitiesService,
  ) {}

  async read(playerId: string, q: ActivityListQuery): Promise<ActivityList> {
    const celebrities = (await this.repo.celebrityFollowees(playerId)).filter(
      (c) => c !== playerId,
    );
    const sources: FeedSource[] = [
      (w) => this.repo.feedWindow(playerId, w),
      ...celebrities.map(
        (c): FeedSource =>
          (w) =>
            this.repo.streamWindow(c, w),
      ),
    ];
    return this.activities.page(sources, q, `feed:${playerId}`);
  }
}
