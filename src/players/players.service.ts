import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { BoardsService } from '../leaderboards/boards.service';
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

  /** Scores first, profile last: a retry after a failure finds the index and finishes the job. */
  async erase(playerId: string): Promise<void> {
    await this.boards.erasePlayer(playerId);
    await this.profiles.delete(playerId);
  }
}
