import { Module } from '@nestjs/common';
import { ProfilesModule } from '../players/profiles.module';
import { BoardReadsController } from './board-reads.controller';
import { BoardReadsService } from './board-reads.service';
import { BoardsController } from './boards.controller';
import { BoardsService } from './boards.service';
import { ImportService } from './import.service';
import { LeaderboardsRepository } from './leaderboards.repository';
import { ScoresController } from './scores.controller';
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
  ],
  exports: [BoardsService],
})
export class LeaderboardsModule {}
