import { Module } from '@nestjs/common';
import { FeedsModule } from '../feeds/feeds.module';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { PostsModule } from '../posts/posts.module';
import { SocialModule } from '../social/social.module';
import { PlayersController } from './players.controller';
import { PlayersService } from './players.service';
import { ProfilesModule } from './profiles.module';

@Module({
  imports: [ProfilesModule, LeaderboardsModule, SocialModule, PostsModule, FeedsModule],
  controllers: [PlayersController],
  providers: [PlayersService],
})
export class PlayersModule {}
