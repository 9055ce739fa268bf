import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { EReceiptEvidence, EvidenceVerdict, TrafficEvidence } from '../evidence';
import { DEVICE_DID } from './device.dto';

const MSP = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
const B64URL_SHA256 = /^[A-Za-z0-9_-]{43}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const EXAMPLE_DID = 'did:mallchain:Qm3vZ9k2JxJ7m1e2v8cQnYtqfTzV6Hh3dK0pW4sL5aB';

export class FigureDto {
  @ApiProperty({ example: 130 }) @IsInt() @Min(0) @Max(100_000_000) inNum!: number;
  @ApiProperty({ example: 118 }) @IsInt() @Min(0) @Max(100_000_000) outNum!: number;
  @ApiProperty({ example: null, nullable: true, type: Number })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  throughNum!: number | null;
}

/** Published by the mall that owns the counter: `GET /v1/proofs/traffic`. */
export class TrafficEvidenceDto implements TrafficEvidence {
  @ApiProperty({ enum: ['traffic'] }) @IsIn(['traffic']) kind!: 'traffic';
  @ApiProperty({ example: 'MallAMSP' }) @Matches(MSP, { message: 'mallMspId must be an MSP ID' }) mallMspId!: string;
  @ApiProperty({ example: 'A-F1-N' }) @IsString() @Length(1, 64) siteKey!: string;
  @ApiProperty({ example: '2026-11-30 10:00:00' })
  @Matches(LOCAL_TIME, { message: 'dataTime must be yyyy-MM-dd HH:mm:ss' })
  dataTime!: string;
  @ApiProperty({ enum: ['5', '15', '60', 'H', 'D'], example: '15' })
  @IsIn(['5', '15', '60', 'H', 'D'])
  interval!: string;
  @ApiProperty({ type: FigureDto }) @ValidateNested() @Type(() => FigureDto) @IsObject() figure!: FigureDto;
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DEVICE_DID, { message: 'deviceDid must be did:mallchain: and a 43-character thumbprint' })
  deviceDid!: string;
  @ApiProperty({ example: 42 }) @IsInt() @Min(1) @Max(2 ** 48) seq!: number;
  @ApiProperty({ example: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' })
  @Matches(B64URL_SHA256, { message: 'digest must be base64url SHA-256 (43 characters)' })
  digest!: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(0) @Max(999) position!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'the records exactly as the counter signed them',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  records!: Record<string, unknown>[];
}

/** An accrual's e-receipt: the issuer's program and Haide orgCode, and the receipt as printed (with `eReceipt`). */
export class EReceiptEvidenceDto implements EReceiptEvidence {
  @ApiProperty({ enum: ['e-receipt'] }) @IsIn(['e-receipt']) kind!: 'e-receipt';
  @ApiProperty({ example: 'MallAMSP' }) @Matches(MSP, { message: 'mallMspId must be an MSP ID' }) mallMspId!: string;
  @ApiProperty({ example: 'mallA-points' }) @IsString() @Length(1, 64) programId!: string;
  @ApiProperty({ example: 'MALL-A' }) @IsString() @Length(1, 64) orgCode!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the Haide receipt, eReceipt included' })
  @IsObject()
  receipt!: Record<string, unknown>;
}

export class EvidenceVerdictDto implements EvidenceVerdict {
  @ApiProperty({ example: true }) verified!: boolean;
  @ApiProperty({ enum: ['traffic', 'e-receipt'] }) kind!: 'traffic' | 'e-receipt';
  @ApiProperty({ example: EXAMPLE_DID }) deviceDid!: string;
  @ApiProperty({ example: 42 }) seq!: number;
  @ApiProperty({
    example: { digest: true, figure: true, anchored: true, trusted: true, kind: true, owner: true },
    type: 'object',
    additionalProperties: { type: 'boolean' },
  })
  checks!: Record<string, boolean>;
  @ApiProperty({ type: [String], example: [] }) problems!: string[];
  @ApiProperty({ example: 'MallAMSP', nullable: true, type: String }) ownerMsp!: string | null;
  @ApiProperty({ example: 'active', nullable: true, type: String }) deviceStatus!: string | null;
}
