import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/validation';
import { Period, PERIODS } from '../leaderboards/cycles';

export class ViewDto {
  @IsIn(['top', 'around'])
  type!: 'top' | 'around';

  /** top: 1..100 entries (default 10). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** around: the player at the centre. */
  @IsOptional()
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId?: string;

  /** around: 0..25 entries on each side (default 5). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(25)
  radius?: number;
}

export class SinceDto {
  @IsString()
  @MaxLength(64)
  epoch!: string;

  @IsInt()
  @Min(0)
  seq!: number;
}

export class BoardSubscribeDto {
  @Matches(ID_PATTERN, { message: `boardId ${ID_MESSAGE}` })
  boardId!: string;

  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ViewDto)
  view!: ViewDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SinceDto)
  since?: SinceDto;
}

export class RankSubscribeDto {
  @Matches(ID_PATTERN, { message: `boardId ${ID_MESSAGE}` })
  boardId!: string;

  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;
}

export class UnsubscribeDto {
  @IsString()
  @MaxLength(256)
  subscription!: string;
}
