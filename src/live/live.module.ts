import { Module } from '@nestjs/common';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { LiveAuthService } from './live-auth.service';
import { LiveCycleEnds } from './live-cycle-ends.service';
import { LiveDirtyPublisher } from './live-dirty-publisher';
import { LiveEndings } from './live-endings.service';
import { LiveFeeds } from './live-feeds';
import { LiveHub } from './live-hub';
import { LiveSubscriber } from './live-subscriber.service';
import { LiveTicker } from './live-ticker.service';
import { LiveViewsService } from './live-views.service';
import { LiveGateway } from './live.gateway';
import { LiveRepository } from './live.repository';
import { LiveService } from './live.service';

/** Live rankings over socket.io (API §7, DESIGN §4). */
@Module({
  imports: [LeaderboardsModule],
  providers: [
    LiveGateway,
    LiveAuthService,
    LiveService,
    LiveHub,
    LiveViewsService,
    LiveTicker,
    LiveSubscriber,
    LiveDirtyPublisher,
    LiveRepository,
    LiveFeeds,
    LiveEndings,
    LiveCycleEnds,
  ],
})
export class LiveModule {}
