import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { QUARANTINE_STATUSES, type QuarantineStatus } from '../quarantine.entity';
import type { QuarantinedEvent } from '../quarantine.store';
import type { ReapplyReport } from '../quarantine.service';

export class QuarantineQueryDto {
  @ApiPropertyOptional({ enum: QUARANTINE_STATUSES, description: 'Only events in this state (default: all)' })
  @IsOptional()
  @IsIn(QUARANTINE_STATUSES)
  status?: QuarantineStatus;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class QuarantinedEventDto implements QuarantinedEvent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'decimal block number' }) blockNumber!: string;
  @ApiProperty() txId!: string;
  @ApiProperty({ example: 'mallchain.changes' }) eventName!: string;
  @ApiProperty({ description: 'why the projection could not apply it' }) error!: string;
  @ApiProperty({ enum: QUARANTINE_STATUSES }) status!: QuarantineStatus;
  @ApiProperty({ description: 'times it was tried (first apply, re-applies)' }) attempts!: number;
  @ApiProperty({ format: 'date-time' }) firstSeen!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() payloadBytes!: number;
  @ApiProperty({ description: 'first 512 bytes of the payload as UTF-8' }) payloadPreview!: string;
}

export class LedgerKeyDto {
  @ApiProperty() entity!: string;
  @ApiProperty() id!: string;
}

export class ReapplyReportDto implements ReapplyReport {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: QUARANTINE_STATUSES }) status!: QuarantineStatus;
  @ApiProperty({ description: 'changes written to the read model' }) appliedChanges!: number;
  @ApiProperty({
    type: LedgerKeyDto,
    isArray: true,
    description: 'keys a later ledger event already changed: left alone',
  })
  skippedChanges!: LedgerKeyDto[];
}
