import { Body, Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from './auth.decorators';
import { CreateSessionDto, PlayerSessionsParams } from './dto/session.dto';
import type { Principal } from './principal';
import { SessionsService } from './sessions.service';

const principal = (req: FastifyRequest): Principal => req.principal ?? { kind: 'anonymous' };

@ApiTags('sessions')
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('v1/sessions')
  @RequireScope('sessions')
  @ApiSecurity('apiKey')
  @ApiOperation({ summary: 'Mint a player session token (answered once, never readable again)' })
  create(@Body() dto: CreateSessionDto) {
    return this.sessions.create(dto.playerId, dto.ttlSeconds);
  }

  @Post('v1/sessions/refresh')
  @RequireScope('read')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Restart the calling session's lifetime" })
  refresh(@Req() req: FastifyRequest) {
    return this.sessions.refresh(principal(req));
  }

  @Delete('v1/sessions/current')
  @RequireScope('read')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the calling session' })
  async end(@Req() req: FastifyRequest): Promise<void> {
    await this.sessions.end(principal(req));
  }

  @Delete('v1/players/:id/sessions')
  @RequireScope('sessions')
  @HttpCode(204)
  @ApiSecurity('apiKey')
  @ApiOperation({ summary: 'End every session of a player (log out everywhere)' })
  async endAll(@Param() p: PlayerSessionsParams): Promise<void> {
    await this.sessions.endAll(p.id);
  }
}
