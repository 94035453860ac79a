import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../common/page-query.dto';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';
import { PERIODS, Period } from '../cycles';
import {
  BOARD_ACTIVITY_KINDS,
  BoardActivityKind,
  DEFAULT_BOARD_ACTIVITIES,
} from '../leaderboard.types';

const finite = { allowNaN: false, allowInfinity: false };

export class BoardParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `boardId ${ID_MESSAGE}` })
  boardId!: string;
}

export class BoardPlayerParams extends BoardParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;
}

/** API §1: every field optional; absent fields take their defaults. */
export class PutBoardDto {
  @ApiPropertyOptional({ maxLength: 128, description: 'display name; default boardId' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  title?: string;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({ enum: ['best', 'latest', 'sum'], default: 'best' })
  @IsOptional()
  @IsIn(['best', 'latest', 'sum'])
  update?: 'best' | 'latest' | 'sum';

  @ApiPropertyOptional({ enum: PERIODS, isArray: true, default: ['all'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(PERIODS, { each: true })
  periods?: Period[];

  @ApiPropertyOptional({ default: 'UTC', description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 366, default: 7 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  retain?: number;

  @ApiPropertyOptional({ enum: ['shared', 'first'], default: 'shared' })
  @IsOptional()
  @IsIn(['shared', 'first'])
  ties?: 'shared' | 'first';

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  minScore?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  maxScore?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  integer?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  public?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000000,
    description: 'keep only the best N per cycle',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  capacity?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 86400,
    default: 60,
    description: 'late `at` window (s)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  graceSeconds?: number;

  @ApiPropertyOptional({
    enum: BOARD_ACTIVITY_KINDS,
    isArray: true,
    default: DEFAULT_BOARD_ACTIVITIES,
    description: 'activities submissions generate (board stream + player stream); [] for none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(BOARD_ACTIVITY_KINDS, { each: true })
  activities?: BoardActivityKind[];
}

export class ListBoardsQuery extends PageQuery {}

export class CyclesQuery {
  @ApiPropertyOptional({ enum: PERIODS, default: 'all' })
  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;
}
