import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { PageQuery } from '../../common/page-query.dto';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PERIODS, Period } from '../cycles';

/** Query strings arrive as text; numbers are checked as text and parsed by the service. */
export class CycleQuery {
  @ApiPropertyOptional({ enum: PERIODS, default: 'all' })
  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @ApiPropertyOptional({
    description: 'a retained cycle id (2026-11-25, 2026-W48, 2026-11); default current',
  })
  @IsOptional()
  @Matches(/^(all|\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}|\d{4}-\d{2})$/, {
    message: 'cycle is not a cycle id',
  })
  cycle?: string;
}

export class TopQuery extends IntersectionType(CycleQuery, PageQuery) {}

export class AroundQuery extends CycleQuery {
  @ApiPropertyOptional({ minimum: 0, maximum: 50, default: 5 })
  @IsOptional()
  @Matches(/^\d{1,2}$/, { message: 'radius must be an integer 0..50' })
  radius?: string;
}

export class RanksQuery extends CycleQuery {
  @ApiPropertyOptional({ description: 'comma-separated player ids, at most 100' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,99}$/, {
    message: 'playerIds must be 1..100 comma-separated ids matching ^[A-Za-z0-9_.-]{1,64}$',
  })
  playerIds!: string;
}
