import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { IntakeHistoryEntry } from '../intake-item.entity';
import type { IntakeAdminView, IntakeCount, IntakeHourCount } from '../intake-admin.store';
import { IntakeStatusDto } from './intake-status.dto';

export const LISTABLE_STATUSES = ['dead', 'pending'] as const;
export type ListableStatus = (typeof LISTABLE_STATUSES)[number];

export class IntakeListQueryDto {
  @ApiProperty({ enum: LISTABLE_STATUSES })
  @IsIn(LISTABLE_STATUSES)
  status!: ListableStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class IntakeHistoryEntryDto implements IntakeHistoryEntry {
  @ApiProperty({ enum: ['dead', 'requeued', 'committed', 'pending'] }) status!: IntakeHistoryEntry['status'];
  @ApiProperty() at!: string;
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() txId?: string;
  @ApiPropertyOptional({ description: 'API key ID (or `cli`) of the admin who requeued' }) by?: string;
}

export class IntakeAdminDto extends IntakeStatusDto implements IntakeAdminView {
  @ApiProperty() fn!: string;
  @ApiProperty({ nullable: true, type: String }) orderingKey!: string | null;
  @ApiProperty({ type: IntakeHistoryEntryDto, isArray: true }) history!: IntakeHistoryEntry[];
}

const STATES = ['pending', 'stalled', 'committed', 'dead'] as const;

export class IntakeCountDto implements IntakeCount {
  @ApiProperty({ description: 'intake kind (`note`, `points.accrual`, …): the source of the items' }) kind!: string;
  @ApiProperty({ enum: STATES, description: '`stalled`: pending longer than `INTAKE_STALLED_AFTER_MS`' })
  status!: IntakeCount['status'];
  @ApiProperty() count!: number;
}

export class IntakeHourCountDto implements IntakeHourCount {
  @ApiProperty({ description: 'start of the hour the items were accepted in (ISO 8601)' }) hour!: string;
  @ApiProperty({ enum: STATES }) status!: IntakeHourCount['status'];
  @ApiProperty() count!: number;
}

export class IntakeSummaryDto {
  @ApiProperty({ type: IntakeCountDto, isArray: true }) counts!: IntakeCount[];
  @ApiProperty({ type: IntakeHourCountDto, isArray: true, description: 'accepted in the last 24 hours, per hour' })
  hourly!: IntakeHourCount[];
}
