import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowAnonymous, PlayerSelf, RequireScope } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { BoardParams } from '../leaderboards/dto/board.dto';
import { BoardsService } from '../leaderboards/boards.service';
import { PlayerParams } from '../players/dto/player.dto';
import { ActivitiesService } from './activities.service';
import {
  ActivityListQuery,
  ActivityParams,
  BoardActivityQuery,
  CreateActivityDto,
} from './dto/activity.dto';
import { HomeFeedService } from './home-feed.service';

@ApiTags('activities')
@ApiSecurity('apiKey')
@Controller('v1/players/:playerId')
export class ActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly home: HomeFeedService,
  ) {}

  @Post('activities')
  @RequireScope('players.write')
  @PlayerSelf('playerId')
  @ApiOperation({
    summary: 'Record an activity: 201, or 200 with the one stored for the same foreignId',
  })
  async create(
    @Param() p: PlayerParams,
    @Body() dto: CreateActivityDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { created, activity } = await this.activities.createFromDto(p.playerId, dto);
    res.status(created ? 201 : 200);
    return activity;
  }

  @Delete('activities/:activityId')
  @RequireScope('players.write')
  @PlayerSelf('playerId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an activity from its stream and every feed it reached' })
  async delete(@Param() p: ActivityParams): Promise<void> {
    await this.activities.delete(p.playerId, p.activityId);
  }

  @Get('activities')
  @RequireScope('read')
  @ApiOperation({ summary: 'What the player did, newest first (since inclusive, until exclusive)' })
  list(@Param() p: PlayerParams, @Query() q: ActivityListQuery) {
    return this.activities.list(p.playerId, q);
  }

  @Get('feed')
  @RequireScope('read')
  @PlayerSelf('playerId')
  @ApiOperation({ summary: 'Home feed: followees and own activities, newest first' })
  feed(@Param() p: PlayerParams, @Query() q: ActivityListQuery) {
    return this.home.read(p.playerId, q);
  }
}

@ApiTags('activities')
@ApiSecurity('apiKey')
@Controller('v1/boards/:boardId')
export class BoardActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly boards: BoardsService,
  ) {}

  @Get('activities')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Activities the board generated, newest first' })
  async list(@Param() p: BoardParams, @Query() q: BoardActivityQuery, @Req() req: FastifyRequest) {
    const principal: Principal = req.principal ?? { kind: 'anonymous' };
    await this.boards.load(p.boardId, principal);
    return this.activities.listBoard(p.boardId, q);
  }
}
