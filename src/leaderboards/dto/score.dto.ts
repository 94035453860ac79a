import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';
import type { Metadata } from '../leaderboard.types';

const finite = { allowNaN: false, allowInfinity: false };

export class SubmitScoreDto {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;

  @ApiProperty({ description: 'a finite JSON number (never a string)' })
  @IsNumber(finite, { message: 'score must be a finite number' })
  score!: number;

  @ApiPropertyOptional({ description: 'ISO-8601 time the score was earned; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ description: 'flat object of strings, numbers, booleans, null; ≤ 1 KiB' })
  @IsOptional()
  @IsObject()
  metadata?: Metadata;
}

export class BatchEntryDto {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;

  @ApiProperty()
  @IsNumber(finite, { message: 'score must be a finite number' })
  score!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,64}$/, {
    message: 'idempotencyKey must be 1-64 printable ASCII characters',
  })
  idempotencyKey?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  metadata?: Metadata;
}

export class BatchScoresDto {
  @ApiProperty({ type: [BatchEntryDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchEntryDto)
  entries!: BatchEntryDto[];
}
