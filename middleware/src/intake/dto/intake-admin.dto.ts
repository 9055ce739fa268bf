import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { IntakeHistoryEntry } from '../intake-item.entity';
import {
  INTAKE_WINDOWS,
  type IntakeAdminView,
  type IntakeBucketCount,
  type IntakeCount,
  type IntakeWindow,
} from '../intake-admin.store';
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
  @ApiPropertyOptional({
    description:
      'on a dead entry: the ordering key (a device DID) the item gave up when the ledger refused it for good',
  })
  released?: string;
}

export class IntakeAdminDto extends IntakeStatusDto implements IntakeAdminView {
  @ApiProperty() fn!: string;
  @ApiProperty({ nullable: true, type: String }) orderingKey!: string | null;
  @ApiProperty({ type: IntakeHistoryEntryDto, isArray: true }) history!: IntakeHistoryEntry[];
  @ApiProperty({
    description:
      'refused for good and its place in its order given back (a device seq): a requeue is refused with 409; the source sends it again',
  })
  released!: boolean;
}

const STATES = ['pending', 'stalled', 'committed', 'dead'] as const;

export class IntakeCountDto implements IntakeCount {
  @ApiProperty({ description: 'intake kind (`note`, `points.accrual`, …): the source of the items' }) kind!: string;
  @ApiProperty({ enum: STATES, description: '`stalled`: pending longer than `INTAKE_STALLED_AFTER_MS`' })
  status!: IntakeCount['status'];
  @ApiProperty() count!: number;
}

const WINDOWS = Object.keys(INTAKE_WINDOWS) as IntakeWindow[];

export class IntakeSummaryQueryDto {
  @ApiPropertyOptional({
    enum: WINDOWS,
    default: '24h',
    description: 'history window: `24h` per hour, `7d` and `30d` per Asia/Shanghai day',
  })
  @IsOptional()
  @IsIn(WINDOWS, { message: `window must be one of ${WINDOWS.join(', ')}` })
  window?: IntakeWindow;
}

export class IntakeBucketCountDto implements IntakeBucketCount {
  @ApiProperty({
    description: 'start of the bucket (ISO 8601): a whole UTC hour, or 00:00 Asia/Shanghai for a day',
    example: '2026-11-30T16:00:00.000Z',
  })
  start!: string;
  @ApiProperty({ enum: STATES, example: 'committed' }) status!: IntakeBucketCount['status'];
  @ApiProperty({ example: 42 }) count!: number;
}

export class IntakeSummaryDto {
  @ApiProperty({ type: IntakeCountDto, isArray: true }) counts!: IntakeCount[];
  @ApiProperty({ enum: WINDOWS, example: '7d' }) window!: IntakeWindow;
  @ApiProperty({ enum: ['hour', 'day'], example: 'day' }) bucket!: 'hour' | 'day';
  @ApiProperty({
    type: IntakeBucketCountDto,
    isArray: true,
    description: 'accepted in the window, per bucket and the state the items are in now (empty buckets left out)',
  })
  series!: IntakeBucketCount[];
}
