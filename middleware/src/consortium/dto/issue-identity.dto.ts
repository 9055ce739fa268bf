import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class IssueIdentityDto {
  @ApiProperty({ description: 'client identity name within this mall', example: 'middleware2' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'name must be lower case letters, digits and dashes (at most 63)' })
  name!: string;
}
