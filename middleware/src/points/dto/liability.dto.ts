import { ApiProperty } from '@nestjs/swagger';
import type { LiabilityView } from '../read-model/points-read.store';

export class LiabilityDto implements LiabilityView {
  @ApiProperty() programId!: string;
  @ApiProperty({ description: 'MSP ID of the issuing mall' }) issuer!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'what the issuer owes for one point now, in fen' }) unitValueFen!: number;
  @ApiProperty({ description: 'points held by all members' }) outstanding!: number;
  @ApiProperty({ description: 'outstanding × unitValueFen' }) liabilityFen!: number;
  @ApiProperty({ description: 'live points whose lots expire within expiringWithinDays' }) expiringSoon!: number;
  @ApiProperty() expiringWithinDays!: number;
}
