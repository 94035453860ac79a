import { Module } from '@nestjs/common';
import { ProfilesModule } from '../players/profiles.module';
import { BoardReadsController } from './board-reads.controller';
import { BoardReadsService } from './board-reads.service';
import { BoardsController } from './boards.controller';
import { BoardsService } from './boards.service';
import { ImportService } from './import.service';
import { LeaderboardsRepository } from './leaderboards.repository';
import { ScoresController } from './scores.controller';
import { ScoreEvents } from './score-events';
import { ScoresService } from './scores.service';

@Module({
  imports: [ProfilesModule],
  controllers: [BoardsController, ScoresController, BoardReadsController],
  providers: [
    LeaderboardsRepository,
    BoardsService,
    ScoresService,
    BoardReadsService,
    ImportService,
    ScoreEvents,
  ],
  // BoardReadsService and ScoreEvents: the live path (src/live) reads views and hears submissions.
  exports: [BoardsService, BoardReadsService, ScoreEvents],
})
export class LeaderboardsModule {}
