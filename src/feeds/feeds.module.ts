import { Module } from '@nestjs/common';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { SocialModule } from '../social/social.module';
import { ActivitiesController, BoardActivitiesController } from './activities.controller';
import { ActivitiesService } from './activities.service';
import { BoardActivities } from './board-activities';
import { FanoutProcessor } from './fanout-processor';
import { FanoutQueueRepository } from './fanout-queue.repository';
import { FanoutWorker } from './fanout.worker';
import { FeedEraseService } from './feed-erase.service';
import { FeedsRepository } from './feeds.repository';
import { FollowFeedsService } from './follow-feeds.service';
import { HomeFeedService } from './home-feed.service';
import { SocialFeedsListener } from './social-feeds.listener';

/**
 * Activities, home feeds and the fan-out worker (API §5, DESIGN §5). Exports FeedEraseService for
 * erase-everywhere (src/players).
 */
@Module({
  imports: [LeaderboardsModule, SocialModule],
  controllers: [ActivitiesController, BoardActivitiesController],
  providers: [
    FeedsRepository,
    FanoutQueueRepository,
    FanoutProcessor,
    FanoutWorker,
    ActivitiesService,
    HomeFeedService,
    FollowFeedsService,
    FeedEraseService,
    BoardActivities,
    SocialFeedsListener,
  ],
  exports: [FeedEraseService],
})
export class FeedsModule {}
