import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';

export class PlayerParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;
}

export class PutProfileDto {
  @ApiProperty({ minLength: 1, maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  displayName!: string;

  @ApiPropertyOptional({ maxLength: 512 })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  avatarUrl?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2, upper case' })
  // The pattern keeps codes upper case; the list rejects unassigned ones such as ZZ.
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code (e.g. DE)' })
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code (e.g. DE)' })
  country?: string;
}
