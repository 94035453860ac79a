import { Body, Controller, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { RequireScope } from '../auth/auth.decorators';
import { validationFailed } from '../common/domain-error';
import { BoardParams } from './dto/board.dto';
import { CycleQuery } from './dto/read.dto';
import { BatchScoresDto, SubmitScoreDto } from './dto/score.dto';
import { ImportService } from './import.service';
import { ScoresService } from './scores.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;

@ApiTags('scores')
@ApiSecurity('apiKey')
@Controller('v1/boards/:boardId')
export class ScoresController {
  constructor(
    private readonly scores: ScoresService,
    private readonly importer: ImportService,
  ) {}

  @Post('scores')
  @HttpCode(200)
  @RequireScope('scores.write')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-64 printable ASCII characters',
  })
  @ApiOperation({
    summary: 'Submit a score: every period of the board, atomically, exactly once per key',
  })
  submit(
    @Param() p: BoardParams,
    @Body() dto: SubmitScoreDto,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw validationFailed('Idempotency-Key', 'must be 1-64 printable ASCII characters');
    }
    return this.scores.submit(p.boardId, { ...dto, idempotencyKey: key });
  }

  @Post('scores/batch')
  @HttpCode(200)
  @RequireScope('scores.write')
  @ApiOperation({ summary: 'Submit 1..1000 scores; results in order' })
  async batch(@Param() p: BoardParams, @Body() dto: BatchScoresDto) {
    return { results: await this.scores.submitBatch(p.boardId, dto.entries) };
  }

  @Post('import')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiConsumes('application/x-ndjson')
  @ApiOperation({
    summary: 'Import NDJSON entries ({playerId, score, metadata?}); sets exact scores, idempotent',
  })
  import(@Param() p: BoardParams, @Query() q: CycleQuery, @Req() req: FastifyRequest) {
    return this.importer.import(p.boardId, q, req.body as Readable);
  }
}
