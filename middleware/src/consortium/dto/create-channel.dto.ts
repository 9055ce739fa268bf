import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, Matches } from 'class-validator';
import { CHANNEL_NAME, MALL_NAME } from './create-proposal.dto';

export class CreateChannelDto {
  @ApiProperty({ example: 'district-east' })
  @Matches(CHANNEL_NAME, { message: 'name must be a channel name (lower case letters, digits, dots, dashes)' })
  name!: string;

  @ApiProperty({ example: ['MallA', 'MallB'], description: 'malls whose peers join the new channel' })
  @Matches(MALL_NAME, { each: true, message: 'malls must name malls such as MallA, MallAMSP or A' })
  @ArrayUnique()
  @ArrayMaxSize(26)
  @ArrayMinSize(1)
  @IsArray()
  malls!: string[];
}
