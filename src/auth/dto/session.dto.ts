import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';

/** Longest lifetime a request may ask for; SESSION_MAX_TTL_SECONDS may lower it further. */
export const SESSION_TTL_CEILING = 365 * 86400;

export class CreateSessionDto {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `playerId ${ID_MESSAGE}` })
  playerId!: string;

  @ApiPropertyOptional({
    minimum: 60,
    description:
      'Lifetime in seconds; default SESSION_TTL_SECONDS, at most SESSION_MAX_TTL_SECONDS',
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(SESSION_TTL_CEILING)
  ttlSeconds?: number;
}

export class PlayerSessionsParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` })
  id!: string;
}
