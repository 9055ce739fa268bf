import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class UpgradeChaincodeDto {
  @ApiPropertyOptional({ description: 'defaults to the version in chaincode/package.json', example: '0.2.0' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.+-]{1,64}$/, { message: 'version must be letters, digits, dots, dashes (at most 64)' })
  version?: string;
}

export class EndorsementPolicyDto {
  @ApiProperty({
    description: 'a signature policy, or `default` for the channel default (MAJORITY Endorsement)',
    example: "AND('MallAMSP.peer','MallBMSP.peer')",
  })
  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  policy!: string;
}
