import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class AdminKeysQuery {
  @ApiPropertyOptional({
    description: 'glob (SCAN MATCH) within the namespace, after `<prefix>:`; e.g. `{b:daily}*`',
    default: '*',
  })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'match must be 1..200 printable ASCII characters' })
  match?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'SCAN COUNT hint per step',
  })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'count must be an integer 1..1000' })
  count?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}
