import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
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

export { LimitQuery, PageQuery as ListQuery } from '../../common/page-query.dto';
