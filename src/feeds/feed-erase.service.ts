import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { feedMember } from './activity-id';
import { FeedsRepository } from './feeds.repository';
import { feedMetrics } from './feeds.metrics';

const MEMBERS_PER_ZREM = 1000;

/**
 * Erase-everywhere for feeds (API §4): the player's activities leave every follower's feed and
 * every board stream, then their activities, stream, tombstones and own feed are deleted. It runs
 * inline, before the follow graph is removed (it needs the followers), and a retry redoes it.
 */
@Injectable()
export class FeedEraseService {
  constructor(
    private readonly repo: FeedsRepository,
    private readonly config: AppConfig,
  ) {}

  async erase(playerId: string): Promise<void> {
    const ids = await this.repo.allStreamIds(playerId);
    const members = ids.map((id) => feedMember(id, playerId));
    const bodies = await this.repo.bodies(ids.map((id) => ({ id, actor: playerId, t: 0 })));
    let cursor = '0';
    do {
      const [next, followers] = await this.repo.scanFollowers(
        playerId,
        cursor,
        this.config.feeds.fanoutBatch,
      );
      let removed = 0;
      for (let i = 0; i < members.length; i += MEMBERS_PER_ZREM) {
        removed += await this.repo.removeFromFeeds(
          followers,
          members.slice(i, i + MEMBERS_PER_ZREM),
        );
      }
      feedMetrics.writes.inc({ op: 'remove' }, removed);
      cursor = next;
    } while (cursor !== '0');
    for (const b of bodies)
      if (b?.boardId) await this.repo.removeFromBoard(b.boardId, b.id, playerId);
    await this.repo.unmarkCelebrity(playerId);
    await this.repo.dropAuthor(playerId);
  }
}
