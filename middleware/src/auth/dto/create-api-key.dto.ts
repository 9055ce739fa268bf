import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { SCOPES, type Scope } from '../scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'pos-gateway', description: 'Label to recognise the key by' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiPropertyOptional({
    example: 'MallAMSP',
    description: 'Defaults to the mall this middleware serves; any other is refused',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]{1,64}$/, { message: 'mallMspId must be an MSP ID such as MallAMSP' })
  mallMspId?: string;
}
