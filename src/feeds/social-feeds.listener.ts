import { Injectable, OnModuleInit } from '@nestjs/common';
import { SocialEvents } from '../social/social-events';
import { FollowFeedsService } from './follow-feeds.service';

/** Follow backfills the followee's recent items; unfollow removes them (DESIGN §5). */
@Injectable()
export class SocialFeedsListener implements OnModuleInit {
  constructor(
    private readonly events: SocialEvents,
    private readonly follows: FollowFeedsService,
  ) {}

  onModuleInit(): void {
    this.events.listen({
      followed: (followerId, targetId) => this.follows.followed(followerId, targetId),
      unfollowed: (followerId, targetId) => this.follows.unfollowed(followerId, targetId),
    });
  }
}
