import { Module } from '@nestjs/common';
import { ProfilesModule } from '../players/profiles.module';
import { SocialController } from './social.controller';
import { SocialDiscoveryService } from './social-discovery.service';
import { SocialEvents } from './social-events';
import { SocialGraphRepository } from './social-graph.repository';
import { SocialGraphService } from './social-graph.service';

/**
 * The follower graph (API §5). Exports SocialGraphService (follower/following walks and counts for
 * fan-out, the friends leaderboard and erase) and SocialEvents (follow/unfollow hooks for feeds).
 */
@Module({
  imports: [ProfilesModule],
  controllers: [SocialController],
  providers: [SocialGraphRepository, SocialGraphService, SocialDiscoveryService, SocialEvents],
  exports: [SocialGraphService, SocialEvents],
})
export class SocialModule {}
