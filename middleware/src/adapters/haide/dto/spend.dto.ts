import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AdjustAnswer, RedeemAnswer } from '../points-spend.service';

const MEMBER = 'did:mallchain:Wbkx3RzL9k6-OxiVydUUaQv5SIWMglU8_DIPj30EwBY';

class RedeemDataDto {
  @ApiProperty({ example: 'PARK-01', description: 'till; the redemption is at its merchant' }) posNo!: string;
  @ApiProperty({ example: 'R000042', description: 'the redemption number on that till (natural key)' }) flowNo!: string;
  @ApiProperty({ example: 'C000123' }) cardNo!: string;
  @ApiProperty({ example: 200, description: 'points to redeem, 1 to 10,000,000' }) points!: number;
  @ApiPropertyOptional({
    example: 'mcc1.eyJhY3Rpb24iOiJwb2ludHMucmVkZWVtIiwi…',
    description:
      "the member's wallet consent (compact string, scanned from the wallet's QR code); required for another mall's points",
  })
  consent?: string;
}

class AdjustDataDto {
  @ApiProperty({ example: 'ADJ-20260301-0007', description: '(ours) the correction number: natural key, once' })
  adjustNo!: string;
  @ApiProperty({ example: 'C000123' }) cardNo!: string;
  @ApiProperty({ example: -50, description: 'signed: > 0 credits (an accrual), < 0 debits (points:Adjust)' })
  points!: number;
  @ApiProperty({ example: 'WRONG_RECEIPT', description: '1–32 of [A-Za-z0-9_.-]; on the ledger' }) reasonCode!: string;
  @ApiPropertyOptional({
    example: 'receipt F000123 credited twice',
    description: 'kept in Postgres, not on the ledger',
  })
  memo?: string;
}

class EnvelopeBase {
  @ApiProperty({ example: 'hd_3f9a0c1b2d4e5f6a7b8c9d0e' }) appId!: string;
  @ApiProperty({ example: 1772345109000 }) timestamp!: number;
  @ApiProperty({ example: 'a1b2c3d4e5f6' }) nonce!: string;
  @ApiProperty({ example: 'MALL-B' }) orgCode!: string;
  @ApiProperty({ description: 'hex HMAC-SHA256 over appId, timestamp, nonce and JCS(data)' }) sign!: string;
}

export class HaideRedeemEnvelopeDto extends EnvelopeBase {
  @ApiProperty({ type: RedeemDataDto }) data!: RedeemDataDto;
}

export class HaideAdjustEnvelopeDto extends EnvelopeBase {
  @ApiProperty({ type: AdjustDataDto }) data!: AdjustDataDto;
}

class SpendAnswerBase {
  @ApiProperty({ enum: ['accepted', 'duplicate'] }) status!: 'accepted' | 'duplicate';
  @ApiProperty({ format: 'uuid' }) trackingId!: string;
  @ApiProperty({ example: 'mallA-points' }) programId!: string;
  @ApiProperty({ example: MEMBER }) member!: string;
  @ApiProperty({ example: -200, description: 'negative: taken; positive: credited' }) points!: number;
  @ApiProperty({ enum: ['committed', 'pending'] }) ledgerStatus!: 'committed' | 'pending';
  @ApiProperty({ example: 380, description: 'available points after this request (expected, when pending)' })
  balance!: number;
}

class RedeemAnswerDataDto extends SpendAnswerBase implements RedeemAnswer {
  @ApiProperty({ example: 'PARK-01' }) posNo!: string;
  @ApiProperty({ example: 'R000042' }) flowNo!: string;
}

class AdjustAnswerDataDto extends SpendAnswerBase implements AdjustAnswer {
  @ApiProperty({ example: 'ADJ-20260301-0007' }) adjustNo!: string;
  @ApiProperty({ example: 'WRONG_RECEIPT' }) reasonCode!: string;
}

export class HaideRedeemAnswerDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: '0' }) statusCode!: string;
  @ApiProperty({ example: 'accepted' }) message!: string;
  @ApiProperty({ type: RedeemAnswerDataDto }) data!: RedeemAnswerDataDto;
}

export class HaideAdjustAnswerDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: '0' }) statusCode!: string;
  @ApiProperty({ example: 'accepted' }) message!: string;
  @ApiProperty({ type: AdjustAnswerDataDto }) data!: AdjustAnswerDataDto;
}
