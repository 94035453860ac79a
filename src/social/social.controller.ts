import { Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PlayerSelf, RequireScope } from '../auth/auth.decorators';
import { parseLimit } from '../leaderboards/limits';
import {
  FollowParams,
  ListQuery,
  LimitQuery,
  MutualParams,
  PlayerIdParams,
} from './dto/social.dto';
import { SocialDiscoveryService } from './social-discovery.service';
import { SocialGraphService } from './social-graph.service';

@ApiTags('social')
@ApiSecurity('apiKey')
@Controller('v1/players/:id')
export class SocialController {
  constructor(
    private readonly graph: SocialGraphService,
    private readonly discovery: SocialDiscoveryService,
  ) {}

  @Put('following/:targetId')
  @RequireScope('players.write')
  @PlayerSelf('id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Follow (idempotent; a retry repairs a half-done follow)' })
  async follow(@Param() p: FollowParams): Promise<void> {
    await this.graph.follow(p.id, p.targetId);
  }

  @Delete('following/:targetId')
  @RequireScope('players.write')
  @PlayerSelf('id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unfollow (idempotent)' })
  async unfollow(@Param() p: FollowParams): Promise<void> {
    await this.graph.unfollow(p.id, p.targetId);
  }

  @Get('following')
  @RequireScope('read')
  @ApiOperation({ summary: 'Whom the player follows: {total, players, nextCursor} (SSCAN order)' })
  async following(@Param() p: PlayerIdParams, @Query() q: ListQuery) {
    return this.graph.page('following', p.id, parseLimit(q.limit, 10, 100), q.cursor);
  }

  @Get('followers')
  @RequireScope('read')
  @ApiOperation({ summary: 'Who follows the player: {total, players, nextCursor} (SSCAN order)' })
  async followers(@Param() p: PlayerIdParams, @Query() q: ListQuery) {
    return this.graph.page('followers', p.id, parseLimit(q.limit, 10, 100), q.cursor);
  }

  @Get('following/:targetId')
  @RequireScope('read')
  @ApiOperation({ summary: '{following, followedBy} between the player and targetId' })
  async relation(@Param() p: FollowParams) {
    return this.graph.relation(p.id, p.targetId);
  }

  @Get('mutual/:otherId')
  @RequireScope('read')
  @ApiOperation({ summary: 'Players both follow, in id order: {players, nextCursor}' })
  async mutual(@Param() p: MutualParams, @Query() q: ListQuery) {
    return this.discovery.mutual(p.id, p.otherId, parseLimit(q.limit, 10, 100), q.cursor);
  }

  @Get('suggestions')
  @RequireScope('read')
  @ApiOperation({ summary: 'Followed by your followees, not by you; most overlap first (sampled)' })
  async suggestions(@Param() p: PlayerIdParams, @Query() q: LimitQuery) {
    return { players: await this.discovery.suggestions(p.id, parseLimit(q.limit, 10, 100)) };
  }
}
