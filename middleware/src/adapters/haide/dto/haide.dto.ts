import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AdjustmentsDay, TillDay } from '../reconciliation.store';
import type { ReceiptResult, ReceiptStatus } from '../sales.service';

class HaideProductDto {
  @ApiProperty({ example: 1 }) line!: number;
  @ApiProperty({ example: 'SKU-001' }) product!: string;
  @ApiPropertyOptional({ example: 'Tea' }) productName?: string;
  @ApiProperty({ example: 2 }) qty!: number;
  @ApiProperty({ example: '64.25' }) price!: string;
  @ApiProperty({ example: '128.50' }) total!: string;
  @ApiPropertyOptional({ example: '0.00' }) discount?: string;
  @ApiPropertyOptional({ example: 128 }) score?: number;
}

class HaidePaymentDto {
  @ApiProperty({ example: 1 }) line!: number;
  @ApiProperty({ example: 'WX' }) payment!: string;
  @ApiProperty({ example: 'wechat', description: 'payment class; the earn rule excludes e.g. points, coupon' })
  payCls!: string;
  @ApiProperty({ example: '128.50' }) total!: string;
  @ApiPropertyOptional() charge?: string;
  @ApiPropertyOptional() discharge?: string;
  @ApiPropertyOptional() cardNo?: string;
  @ApiPropertyOptional() bankCode?: string;
}

export class HaideReceiptDto {
  @ApiProperty({ example: 'P001', description: 'till number (the till registry maps it)' }) posNo!: string;
  @ApiProperty({ example: 'F000123' }) flowNo!: string;
  @ApiProperty({ example: '2026.03.01 14:05:09', description: 'yyyy.MM.dd HH:mm:ss, Asia/Shanghai' })
  ocrTime!: string;
  @ApiPropertyOptional({ enum: ['SALE', 'RETURN'], default: 'SALE' }) txType?: string;
  @ApiPropertyOptional({ example: 'F000100', description: 'RETURN only: the sale returned' }) backFlowNo?: string;
  @ApiPropertyOptional({ example: '2026.02.28 10:00:00', description: 'RETURN only' }) backTime?: string;
  @ApiProperty({ example: '128.50', description: 'yuan, at most 2 decimals (a return: the amount returned)' })
  realAmt!: string;
  @ApiProperty({ example: 2 }) qty!: number;
  @ApiPropertyOptional({ example: 128, description: 'points computed by the POS; else the earn rule' })
  score?: number;
  @ApiPropertyOptional({ example: 'C000123', description: 'member card; no card, no points' }) cardNo?: string;
  @ApiPropertyOptional() memo?: string;
  @ApiProperty({ type: HaideProductDto, isArray: true }) products!: HaideProductDto[];
  @ApiProperty({ type: HaidePaymentDto, isArray: true }) payments!: HaidePaymentDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '{ deviceDid, seq, digest, signature } of the paperless receipt printer (stored, not yet anchored)',
  })
  eReceipt?: Record<string, unknown>;
}

export class HaideEnvelopeDto {
  @ApiProperty({ example: 'hd_3f9a0c1b2d4e5f6a7b8c9d0e' }) appId!: string;
  @ApiProperty({ example: 1772345109000, description: 'ms since 1970; ±5 minutes of the middleware clock' })
  timestamp!: number;
  @ApiProperty({ example: 'a1b2c3d4e5f6', description: '8–64 of [A-Za-z0-9_-], once per appId' }) nonce!: string;
  @ApiProperty({ example: 'MALL-A' }) orgCode!: string;
  @ApiProperty({
    description: 'hex(HMAC-SHA256(secret, appId + "\\n" + timestamp + "\\n" + nonce + "\\n" + JCS(data)))',
  })
  sign!: string;
  @ApiProperty({ type: HaideReceiptDto, description: 'one receipt, or { receipts: [...≤ 1000] }' })
  data!: HaideReceiptDto;
}

export class ReceiptResultDto implements ReceiptResult {
  @ApiProperty() posNo!: string;
  @ApiProperty() flowNo!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) status!: ReceiptStatus;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'intake item of the ledger call' })
  trackingId!: string | null;
  @ApiProperty({ description: 'credited (sale) or reversed (return)' }) points!: number;
  @ApiProperty({ example: 'accepted' }) message!: string;
}

export class HaideSalesAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: '0', description: '"0" = OK, else the HTTP status' }) statusCode!: string;
  @ApiProperty() message!: string;
  @ApiProperty({
    type: ReceiptResultDto,
    description: 'the receipt result, or { receipts: [results] } for a batch',
  })
  data!: ReceiptResultDto;
}

export class HaideErrorDto {
  @ApiProperty({ example: false }) success!: boolean;
  @ApiProperty({ example: '401' }) statusCode!: string;
  @ApiProperty({ example: 'UNAUTHORIZED: sign does not match the request' }) message!: string;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) data!: null;
}

class TillDayDto implements TillDay {
  @ApiProperty({ example: 'P001' }) posNo!: string;
  @ApiProperty({ description: 'accepted + duplicates + rejected' }) received!: number;
  @ApiProperty() accepted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'accepted receipts whose ledger call is committed' }) committed!: number;
  @ApiProperty() pending!: number;
  @ApiProperty({ description: 'ledger call dead-lettered' }) failed!: number;
  @ApiProperty({ description: 'accepted returns waiting for their sale (pushed before it): nothing reversed yet' })
  parked!: number;
  @ApiProperty({ description: 'points of committed sales' }) pointsCredited!: number;
  @ApiProperty({ description: 'points of committed returns' }) pointsReversed!: number;
  @ApiProperty({ description: 'redemptions at this till stored that day (Asia/Shanghai), any status' })
  redemptions!: number;
  @ApiProperty() redemptionsCommitted!: number;
  @ApiProperty({ description: 'redemptions refused at commit (dead-lettered)' }) redemptionsFailed!: number;
  @ApiProperty({ description: 'points of committed redemptions' }) pointsRedeemed!: number;
}

class AdjustmentsDayDto implements AdjustmentsDay {
  @ApiProperty({ description: 'corrections stored that day (Asia/Shanghai); they name no till' }) accepted!: number;
  @ApiProperty() committed!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'points of committed credits (accruals)' }) pointsCredited!: number;
  @ApiProperty({ description: 'points of committed debits (points:Adjust), positive' }) pointsDebited!: number;
}

class LedgerTillDayDto {
  @ApiProperty({ description: 'items of the day the ledger has (receipts with points; a return: its sale)' })
  committed!: number;
  @ApiProperty({ description: 'sum of the amounts of those sales’ accruals' }) pointsCredited!: number;
  @ApiProperty({ description: 'reversals of those returns, from their sales’ accruals' }) pointsReversed!: number;
  @ApiProperty() redemptionsCommitted!: number;
  @ApiProperty() pointsRedeemed!: number;
}

class VerifiedTillDayDto extends TillDayDto {
  @ApiProperty({ type: LedgerTillDayDto, required: false, description: 'with verify=ledger: from this mall’s peer' })
  ledger?: LedgerTillDayDto;
}

class MismatchDto {
  @ApiProperty({ example: 'P001' }) posNo!: string;
  @ApiProperty({ example: 'F000123' }) flowNo!: string;
  @ApiProperty({ enum: ['sale', 'return', 'redeem'] }) kind!: string;
  @ApiProperty({ enum: ['points', 'reversed'], description: 'reversed: all committed returns of the sale, any day' })
  field!: string;
  @ApiProperty({ example: 200 }) cache!: number;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'null: the ledger has no such record' })
  ledger!: number | null;
}

class ReconciliationDto {
  @ApiProperty({ example: 'MALL-A' }) orgCode!: string;
  @ApiProperty({ example: '2026-03-01' }) businessDate!: string;
  @ApiProperty({ type: VerifiedTillDayDto, isArray: true }) tills!: VerifiedTillDayDto[];
  @ApiProperty({ type: AdjustmentsDayDto }) adjustments!: AdjustmentsDayDto;
  @ApiProperty({ enum: ['ledger'], required: false }) verify?: string;
  @ApiProperty({ type: MismatchDto, isArray: true, required: false, description: 'with verify=ledger' })
  mismatches?: MismatchDto[];
}

export class HaideReconciliationAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: '0' }) statusCode!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: ReconciliationDto }) data!: ReconciliationDto;
}

class MemberQueryDataDto {
  @ApiProperty({ enum: ['cardNo', 'mobile', 'memberId'] }) accountType!: string;
  @ApiProperty({ example: 'C000123' }) accountValue!: string;
}

export class HaideMemberQueryEnvelopeDto {
  @ApiProperty({ example: 'hd_3f9a0c1b2d4e5f6a7b8c9d0e' }) appId!: string;
  @ApiProperty({ example: 1772345109000 }) timestamp!: number;
  @ApiProperty({ example: 'a1b2c3d4e5f6' }) nonce!: string;
  @ApiProperty({ example: 'MALL-A' }) orgCode!: string;
  @ApiProperty() sign!: string;
  @ApiProperty({ type: MemberQueryDataDto }) data!: MemberQueryDataDto;
}

class MemberPointsDto {
  @ApiProperty() available!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() expiringWithin30Days!: number;
}

class MemberCardDto {
  @ApiProperty() cardNo!: string;
  @ApiProperty({ example: 'active' }) status!: string;
}

class MemberAnswerDto {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() did!: string;
  @ApiProperty({ type: String, nullable: true }) levelName!: string | null;
  @ApiProperty({ type: MemberPointsDto }) points!: MemberPointsDto;
  @ApiProperty({ type: MemberCardDto, isArray: true }) cards!: MemberCardDto[];
}

export class HaideMemberAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: '0' }) statusCode!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: MemberAnswerDto }) data!: MemberAnswerDto;
}
