import { Injectable } from '@nestjs/common';
import { SessionsService } from '../auth/sessions.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { FeedEraseService } from '../feeds/feed-erase.service';
import { BoardsService } from '../leaderboards/boards.service';
import { PostsService } from '../posts/posts.service';
import { SocialGraphService } from '../social/social-graph.service';
import type { PutProfileDto } from './dto/player.dto';
import type { Profile } from './player.types';
import { ProfilesRepository } from './profiles.repository';

/** Player profiles and erase-everywhere (API §4). */
@Injectable()
export class PlayersService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly boards: BoardsService,
    private readonly clock: Clock,
    private readonly social: SocialGraphService,
    private readonly posts: PostsService,
    private readonly feeds: FeedEraseService,
    private readonly sessions: SessionsService,
  ) {}

  async put(playerId: string, dto: PutProfileDto): Promise<{ created: boolean; profile: Profile }> {
    const profile: Profile = { ...dto, updatedAt: this.clock.now().toISOString() };
    const created = await this.profiles.put(playerId, profile);
    return { created, profile };
  }

  async get(playerId: string): Promise<Profile> {
    const profile = await this.profiles.get(playerId);
    if (!profile) throw new DomainError('PLAYER_NOT_FOUND', `player ${playerId} has no profile`);
    return profile;
  }

  /**
   * Sessions first (the player is logged out before anything else goes), scores next, profile
   * last: a retry after a failure finds what is left and finishes the job.
   */
  async erase(playerId: string): Promise<void> {
    await this.sessions.endAll(playerId);
    await this.boards.erasePlayer(playerId);
    // Before the follows go: it walks the followers to clean their feeds.
    await this.feeds.erase(playerId); // activities, streams, own feed, followers' feeds
    await this.social.erasePlayer(playerId); // follows, both directions
    await this.posts.erasePlayer(playerId);
    await this.profiles.delete(playerId);
  }
}
