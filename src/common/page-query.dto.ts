import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** `limit` of every list (API §0): checked as text here, parsed by the service (parseLimit). */
export class LimitQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Matches(/^\d{1,3}$/, { message: 'limit must be an integer 1..100' })
  limit?: string;
}

/** `limit` plus the opaque, signed `cursor` of every paged list. */
export class PageQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}
