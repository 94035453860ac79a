import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';
import { PageQuery } from '../../common/page-query.dto';

export class ActivityParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;

  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `activityId ${ID_MESSAGE}` })
  activityId!: string;
}

/** API §5: `POST /v1/players/{id}/activities`. */
export class CreateActivityDto {
  @ApiProperty({ minLength: 1, maxLength: 64, example: 'completed' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  verb!: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  object?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  target?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 event time; default now, at most 5 min ahead' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'time must be an ISO-8601 date-time' })
  time?: string;

  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: 'deduplication key' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `foreignId ${ID_MESSAGE}` })
  foreignId?: string;

  @ApiPropertyOptional({ description: 'a JSON object, at most 4 KiB' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class BoardActivityQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'ISO-8601; only activities at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO-8601 date-time' })
  since?: string;
}

/** `since` (inclusive) and `until` (exclusive) bound the event time. */
export class ActivityListQuery extends BoardActivityQuery {
  @ApiPropertyOptional({ description: 'ISO-8601; only activities before this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string;
}
