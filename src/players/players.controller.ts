import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/auth.decorators';
import { PlayerParams, PutProfileDto } from './dto/player.dto';
import { PlayersService } from './players.service';

@ApiTags('players')
@ApiSecurity('apiKey')
@Controller('v1/players')
export class PlayersController {
  constructor(private readonly players: PlayersService) {}

  @Put(':playerId')
  @RequireScope('players.write')
  @ApiOperation({ summary: 'Create (201) or replace (200) a profile' })
  async put(
    @Param() p: PlayerParams,
    @Body() dto: PutProfileDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { created, profile } = await this.players.put(p.playerId, dto);
    res.status(created ? 201 : 200);
    return { playerId: p.playerId, ...profile };
  }

  @Get(':playerId')
  @RequireScope('read')
  @ApiOperation({ summary: 'A profile' })
  async get(@Param() p: PlayerParams) {
    return { playerId: p.playerId, ...(await this.players.get(p.playerId)) };
  }

  @Delete(':playerId')
  @RequireScope('players.write')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Erase the player everywhere: sessions, boards, follows, activities, feeds, posts, profile',
  })
  async erase(@Param() p: PlayerParams): Promise<void> {
    await this.players.erase(p.playerId);
  }
}
