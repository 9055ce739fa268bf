import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { METRICS, SITE_LEVELS } from '../input-vector';

/**
 * Round IDs as the chaincode takes them (common/validate.ts ID_RULE), but at most 100 characters: the longest path
 * parameter the router takes (a longer one could be proposed and never read).
 */
export const ROUND_ID_MAX = 100;
export const ROUND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@\-/]*$/;
const MSP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `POST /v1/jointstats/rounds`: this mall proposes a round and approves it for its own participation job. The
 * chaincode checks the rest (threshold ≤ participants, deadline ≤ 30 days ahead, small-group rule).
 */
export class ProposeRoundDto {
  @ApiProperty({ example: 'district-2026-03-01-visitors', maxLength: ROUND_ID_MAX, pattern: ROUND_ID_PATTERN.source })
  @IsString()
  @MaxLength(ROUND_ID_MAX)
  @Matches(ROUND_ID_PATTERN, {
    message: 'roundId must start with a letter or digit, then letters, digits, . _ : @ - /',
  })
  roundId!: string;

  @ApiProperty({
    enum: METRICS,
    example: 'visitors',
    description:
      'visitors: Σ Huina inNum per bucket; visitorsOut: Σ outNum; salesFen: Σ Haide SALE realAmt (fen), receipts: number of SALE receipts (both siteLevel mall only)',
  })
  @IsIn(METRICS)
  metric!: (typeof METRICS)[number];

  @ApiProperty({ enum: Object.keys(SITE_LEVELS), example: 'mall', description: 'the Huina site type summed' })
  @IsIn(Object.keys(SITE_LEVELS))
  siteLevel!: string;

  @ApiProperty({ example: '2026-02-28T16:00:00Z', description: 'start of bucket 0 (here 00:00 Asia/Shanghai)' })
  @IsISO8601({ strict: true })
  periodStart!: string;

  @ApiProperty({
    example: 60,
    minimum: 1,
    maximum: 1440,
    description: 'must equal a stored Huina interval (5, 15, 60, 1440)',
  })
  @IsInt()
  @Min(1)
  @Max(1440)
  bucketMinutes!: number;

  @ApiProperty({ example: 24, minimum: 1, maximum: 168 })
  @IsInt()
  @Min(1)
  @Max(168)
  buckets!: number;

  @ApiProperty({ example: ['MallAMSP', 'MallBMSP', 'MallCMSP'], minItems: 3, maxItems: 16 })
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Matches(MSP_PATTERN, { each: true, message: 'participants must be MSP IDs' })
  participants!: string[];

  @ApiProperty({
    example: 2,
    minimum: 2,
    description: 't of n: partials needed, and the smallest coalition that could pool shares',
  })
  @IsInt()
  @Min(2)
  @Max(16)
  threshold!: number;

  @ApiPropertyOptional({ example: 3, minimum: 3, description: 'fewest contributors a bucket needs (default 3)' })
  @IsOptional()
  @IsInt()
  @Min(3)
  @Max(16)
  minContributors?: number;

  @ApiPropertyOptional({
    example: false,
    description:
      "every mall's input must cite, per bucket, its anchored device attestations (Huina pushes with a deviceProof)",
  })
  @IsOptional()
  @IsBoolean()
  attested?: boolean;

  @ApiPropertyOptional({
    example: 'ledger',
    enum: ['ledger', 'private'],
    description:
      "where the deals' encrypted shares go: on the channel (default), or into each recipient's implicit private data collection with only their SHA-256 on the channel (docs/joint-stats.md, Private delivery)",
  })
  @IsOptional()
  @IsIn(['ledger', 'private'])
  shareDelivery?: 'ledger' | 'private';

  @ApiProperty({ example: '2026-03-02T04:00:00Z', description: 'joining and dealing close then' })
  @IsISO8601({ strict: true })
  deadline!: string;
}

/** This mall's participation as its middleware keeps it (never any secret). */
export interface ParticipationView {
  readonly roundId: string;
  readonly state: 'active' | 'done' | 'failed';
  readonly proposer: boolean;
  readonly approvedAt: string;
  readonly publicKey: string | null;
  readonly dealt: boolean;
  readonly lastError: string | null;
}

export class ParticipationDto implements ParticipationView {
  @ApiProperty({ example: 'district-2026-03-01-visitors' }) roundId!: string;
  @ApiProperty({ enum: ['active', 'done', 'failed'], example: 'active' }) state!: 'active' | 'done' | 'failed';
  @ApiProperty({ example: true, description: 'this mall proposed the round' }) proposer!: boolean;
  @ApiProperty({ example: '2026-03-01T08:00:00.000Z' }) approvedAt!: string;
  @ApiPropertyOptional({ example: '02a1…', description: "this mall's round key (public half), once made" })
  publicKey!: string | null;
  @ApiProperty({ example: false, description: 'whether this mall has made (and keeps, sealed) its deal' })
  dealt!: boolean;
  @ApiPropertyOptional({ example: null, description: 'the last error of the job, or why the participation failed' })
  lastError!: string | null;
}

/** A round as the ledger has it (`jointstats:GetRound`) with this mall's participation, when it approved it. */
export class RoundDto {
  @ApiProperty({
    example: {
      roundId: 'district-2026-03-01-visitors',
      metric: 'visitors',
      siteLevel: 'mall',
      periodStart: '2026-02-28T16:00:00.000Z',
      bucketMinutes: 60,
      buckets: 24,
      participants: ['MallAMSP', 'MallBMSP', 'MallCMSP'],
      threshold: 2,
      minContributors: 3,
      deadline: '2026-03-02T04:00:00.000Z',
      proposer: 'MallAMSP',
    },
  })
  round!: object;

  @ApiProperty({ enum: ['joining', 'dealing', 'aggregating', 'final'], example: 'final' }) phase!: string;
  @ApiProperty({ example: [{ participant: 'MallAMSP', publicKey: '03…' }] }) joined!: object[];
  @ApiProperty({ example: ['MallAMSP', 'MallBMSP', 'MallCMSP'] }) dealt!: string[];
  @ApiProperty({ example: [], nullable: true }) suppressed!: number[] | null;
  @ApiProperty({ example: [] }) disqualified!: object[];
  @ApiProperty({ example: [{ participant: 'MallAMSP', valid: true, current: true, invalidBuckets: [] }] })
  partials!: object[];
  @ApiPropertyOptional({
    nullable: true,
    example: { totals: [1520, 1388], contributors: [3, 3], partialsUsed: ['MallAMSP', 'MallBMSP'], neverDealt: [] },
  })
  result!: object | null;
  @ApiPropertyOptional({ type: ParticipationDto, nullable: true }) participation!: ParticipationDto | null;
}
