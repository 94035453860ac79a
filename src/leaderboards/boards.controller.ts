import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowAnonymous, RequireScope } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { BoardsService } from './boards.service';
import { BoardParams, CyclesQuery, ListBoardsQuery, PutBoardDto } from './dto/board.dto';
import { parseLimit } from './limits';

const principal = (req: FastifyRequest): Principal => req.principal ?? { kind: 'anonymous' };

@ApiTags('boards')
@ApiSecurity('apiKey')
@Controller('v1/boards')
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Put(':boardId')
  @RequireScope('boards.admin')
  @ApiOperation({ summary: 'Create (201) or update (200) a board' })
  async put(
    @Param() p: BoardParams,
    @Body() dto: PutBoardDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { created, board } = await this.boards.put(p.boardId, dto);
    res.status(created ? 201 : 200);
    return board;
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'List boards in id order' })
  list(@Query() q: ListBoardsQuery) {
    return this.boards.list(parseLimit(q.limit, 10, 100), q.cursor);
  }

  @Get(':boardId')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Board configuration and the current cycle of each period' })
  get(@Param() p: BoardParams, @Req() req: FastifyRequest) {
    return this.boards.view(p.boardId, principal(req));
  }

  @Delete(':boardId')
  @RequireScope('boards.admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a board and every key it has, all cycles included' })
  async delete(@Param() p: BoardParams): Promise<void> {
    await this.boards.delete(p.boardId);
  }

  @Get(':boardId/cycles')
  @RequireScope('read')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Retained cycles of a period, newest first' })
  cycles(@Param() p: BoardParams, @Query() q: CyclesQuery, @Req() req: FastifyRequest) {
    return this.boards.cycles(p.boardId, q.period ?? 'all', principal(req));
  }
}
