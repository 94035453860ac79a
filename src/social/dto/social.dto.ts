import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';

export class PlayerIdParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` })
  id!: string;
}

export class FollowParams extends PlayerIdParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `targetId ${ID_MESSAGE}` })
  targetId!: string;
}

export class MutualParams extends PlayerIdParams {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `otherId ${ID_MESSAGE}` })
  otherId!: string;
}

export class LimitQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Matches(/^\d{1,3}$/, { message: 'limit must be an integer 1..100' })
  limit?: string;
}

export class ListQuery extends LimitQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}
