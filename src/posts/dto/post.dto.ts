import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../../common/validation';

export class CreatePostDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  text!: string;

  @ApiPropertyOptional({
    pattern: ID_PATTERN.source,
    description: 'client-chosen id: a retry with the same id returns the stored post (200)',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` })
  id?: string;
}
