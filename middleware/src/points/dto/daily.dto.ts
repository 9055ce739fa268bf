import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { DailyPointsDay, DailyPointsView } from '../read-model/points-read.store';
import { LEDGER_ID } from './registry.dto';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class DailyQueryDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: 'programId must be a ledger ID ([A-Za-z0-9][A-Za-z0-9._:@-/]*, ≤ 128)' })
  programId!: string;

  @ApiProperty({ example: '2026-11-01', description: 'first Asia/Shanghai day (yyyy-MM-dd), included' })
  @Matches(DAY, { message: 'from must be a day yyyy-MM-dd' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'last Asia/Shanghai day (yyyy-MM-dd), included; ≤ 92 days' })
  @Matches(DAY, { message: 'to must be a day yyyy-MM-dd' })
  to!: string;
}

export class DailyPointsDayDto implements DailyPointsDay {
  @ApiProperty({ example: '2026-11-02', description: 'Asia/Shanghai calendar day' }) day!: string;
  @ApiProperty({ example: 1250, description: 'points accrued (by earnedAt)' }) accrued!: number;
  @ApiProperty({ example: 14, description: 'accruals (receipts) that day' }) accruals!: number;
  @ApiProperty({ example: 80, description: 'points reversed (returns) that day' }) reversed!: number;
  @ApiProperty({ example: 1 }) reversals!: number;
  @ApiProperty({ example: 400, description: 'points redeemed at merchants that day' }) redeemed!: number;
  @ApiProperty({ example: 3 }) redemptions!: number;
}

export class DailyPointsDto implements DailyPointsView {
  @ApiProperty({ example: 'mallA-points' }) programId!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: 'Asia/Shanghai';
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ type: DailyPointsDayDto, isArray: true, description: 'every day from..to, days without any at 0' })
  days!: DailyPointsDayDto[];
}
