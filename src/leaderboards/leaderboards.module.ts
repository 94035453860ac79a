import { Module } from '@nestjs/common';
import { ProfilesModule } from '../players/profiles.module';
import { SocialModule } from '../social/social.module';
import { BoardReadsController } from './board-reads.controller';
import { BoardReadsService } from './board-reads.service';
import { BoardsController } from './boards.controller';
import { BoardsService } from './boards.service';
import { FriendsBoardService } from './friends-board.service';
import { ImportService } from './import.service';
import { LeaderboardsRepository } from './leaderboards.repository';
import { ScoresController } from './scores.controller';
import { ScoreEvents } from './score-events';
import { ScoresService } from './scores.service';

@Module({
  imports: [ProfilesModule, SocialModule],
  controllers: [BoardsController, ScoresController, BoardReadsController],
  providers: [
    LeaderboardsRepository,
    BoardsService,
    ScoresService,
    BoardReadsService,
    FriendsBoardService,
    ImportService,
    ScoreEvents,
  ],
  // BoardReadsService and ScoreEvents: the live path (src/live) reads views and hears submissions.
  exports: [BoardsService, BoardReadsService, ScoreEvents],
})
export class LeaderboardsModule {}
