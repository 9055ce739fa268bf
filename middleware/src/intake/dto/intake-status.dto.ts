import { ApiProperty } from '@nestjs/swagger';
import type { IntakeStatusView } from '../intake.types';

export class IntakeStatusDto implements IntakeStatusView {
  @ApiProperty({ format: 'uuid' }) trackingId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() naturalKey!: string;
  @ApiProperty({ enum: ['pending', 'committed', 'dead'] }) status!: IntakeStatusView['status'];
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) txId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'decimal block number' }) blockNumber!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'INPUT_INVALID' }) errorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() acceptedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) committedAt!: Date | null;
}

export class IntakeAckDto {
  @ApiProperty({ format: 'uuid' }) trackingId!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate'] }) outcome!: 'accepted' | 'duplicate';
  @ApiProperty({ enum: ['pending', 'committed', 'dead'] }) status!: IntakeStatusView['status'];
}
