import { Module } from '@nestjs/common';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { PlayersController } from './players.controller';
import { PlayersService } from './players.service';
import { ProfilesModule } from './profiles.module';

@Module({
  imports: [ProfilesModule, LeaderboardsModule],
  controllers: [PlayersController],
  providers: [PlayersService],
})
export class PlayersModule {}
