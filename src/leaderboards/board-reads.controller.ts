import { Controller, Delete, Get, Headers, HttpCode, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AllowAnonymous, RequireScope } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { leaderboardReads } from '../ops/metrics/app-metrics';
import { BoardReadsService } from './board-reads.service';
import { BoardsService } from './boards.service';
import { FriendsBoardService } from './friends-board.service';
import { BoardParams, BoardPlayerParams } from './dto/board.dto';
import { AroundQuery, CycleQuery, RanksQuery, TopQuery } from './dto/read.dto';
import { parseLimit } from './limits';

const principal = (req: FastifyRequest): Principal => req.principal ?? { kind: 'anonymous' };

@ApiTags('reads')
@ApiSecurity('apiKey')
@Controller('v1/boards/:boardId')
export class BoardReadsController {
  constructor(
    private readonly reads: BoardReadsService,
    private readonly boards: BoardsService,
    private readonly friendsBoard: FriendsBoardService,
  ) {}

  @Get('top')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Entries in rank order; ETag / If-None-Match → 304' })
  async top(
    @Param() p: BoardParams,
    @Query() q: TopQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Headers('if-none-match') ifNoneMatch?: string,
  ) {
    const limit = parseLimit(q.limit, 10, 100);
    const t = await this.reads.target(p.boardId, q, principal(req));
    const { etag, total, nextCursor, entries } = await this.reads.topPage(
      t.board,
      t.period,
      t.cycle,
      limit,
      q.cursor,
      q.cycle !== undefined,
    );
    void res.header('etag', etag).header('cache-control', 'no-cache');
    if (ifNoneMatch === etag) {
      leaderboardReads.inc({ result: 'not_modified' });
      void res.status(304);
      return undefined;
    }
    leaderboardReads.inc({ result: 'full' });
    const withProfiles = await this.reads.joinProfiles(entries);
    return {
      boardId: p.boardId,
      period: t.period,
      cycle: t.cycle.id,
      total,
      entries: withProfiles,
      nextCursor,
    };
  }

  @Get('players/:playerId')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: "A player's rank, score, total and percentile" })
  async player(@Param() p: BoardPlayerParams, @Query() q: CycleQuery, @Req() req: FastifyRequest) {
    const t = await this.reads.target(p.boardId, q, principal(req));
    const entry = await this.reads.player(t.board, t.period, t.cycle, p.playerId);
    return { boardId: p.boardId, period: t.period, cycle: t.cycle.id, ...entry };
  }

  @Get('players/:playerId/around')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'The player and up to `radius` entries each side, filled at the edges' })
  async around(@Param() p: BoardPlayerParams, @Query() q: AroundQuery, @Req() req: FastifyRequest) {
    const radius = parseLimit(q.radius, 5, 50, 0, 'radius');
    const t = await this.reads.target(p.boardId, q, principal(req));
    const view = await this.reads.around(t.board, t.period, t.cycle, p.playerId, radius);
    return { boardId: p.boardId, period: t.period, cycle: t.cycle.id, ...view };
  }

  @Get('ranks')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Ranked entries for up to 100 players; `notRanked` lists the others' })
  async ranks(@Param() p: BoardParams, @Query() q: RanksQuery, @Req() req: FastifyRequest) {
    const t = await this.reads.target(p.boardId, q, principal(req));
    const view = await this.reads.ranks(t.board, t.period, t.cycle, q.playerIds.split(','));
    return { boardId: p.boardId, period: t.period, cycle: t.cycle.id, ...view };
  }

  @Get('players/:playerId/friends')
  // Not anonymous even on public boards: the answer reveals whom the player follows.
  @RequireScope('read')
  @ApiOperation({
    summary: 'The board restricted to the player and those they follow: rank and friendRank',
  })
  async friends(@Param() p: BoardPlayerParams, @Query() q: TopQuery, @Req() req: FastifyRequest) {
    const limit = parseLimit(q.limit, 10, 100);
    const t = await this.reads.target(p.boardId, q, principal(req));
    const view = await this.friendsBoard.friends(
      t.board,
      t.period,
      t.cycle,
      p.playerId,
      limit,
      q.cursor,
      q.cycle !== undefined,
    );
    return { boardId: p.boardId, period: t.period, cycle: t.cycle.id, ...view };
  }

  @Get('export')
  @RequireScope('read')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'Every entry of a cycle as NDJSON, rank order, streamed' })
  async export(
    @Param() p: BoardParams,
    @Query() q: CycleQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ) {
    const t = await this.reads.target(p.boardId, q, principal(req));
    const stream = Readable.from(this.reads.exportLines(t.board, t.period, t.cycle));
    return res.header('content-type', 'application/x-ndjson').send(stream);
  }

  @Delete('players/:playerId')
  @RequireScope('scores.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a player from every cycle of the board' })
  async removePlayer(@Param() p: BoardPlayerParams): Promise<void> {
    await this.boards.removePlayer(p.boardId, p.playerId);
  }
}
