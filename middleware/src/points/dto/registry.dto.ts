import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { MULTIPLIER_PATTERN, RATE_PATTERN } from '../earn-rule';
import type { EarnRuleView, TillView } from '../registry.service';
import type { MemberView } from '../members.service';

/** Ledger IDs (merchant, program): the chaincode's ID rule. */
export const LEDGER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@\-/]{0,127}$/;
/** Codes that become part of ledger references (orgCode, posNo, flowNo, cardNo). */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const CODE_RULE = 'must be 1 to 40 letters, digits, . _ or -, starting with a letter or digit';
export const CATEGORIES = ['retail', 'food', 'parking'] as const;

export class PutTillDto {
  @ApiProperty({ example: 'store-0101', description: 'merchant ID on the ledger' })
  @Matches(LEDGER_ID, { message: 'merchantId must be a ledger ID ([A-Za-z0-9][A-Za-z0-9._:@-/]*, ≤ 128)' })
  merchantId!: string;

  @ApiProperty({ example: 'Tenant 0101 Ltd' })
  @IsString()
  @Length(1, 200)
  tenant!: string;

  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: 'programId must be a ledger ID ([A-Za-z0-9][A-Za-z0-9._:@-/]*, ≤ 128)' })
  programId!: string;

  @ApiProperty({ enum: CATEGORIES, example: 'retail' })
  @IsIn(CATEGORIES)
  category!: string;
}

export class TillDto implements TillView {
  @ApiProperty({ example: 'MALL-A' }) orgCode!: string;
  @ApiProperty({ example: 'P001' }) posNo!: string;
  @ApiProperty({ example: 'store-0101' }) merchantId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ example: 'mallA-points' }) programId!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
}

export class TillQueryDto {
  @ApiPropertyOptional({ example: 'MALL-A' })
  @IsOptional()
  @Matches(CODE, { message: `orgCode ${CODE_RULE}` })
  orgCode?: string;
}

export class PutEarnRuleDto {
  @ApiProperty({ example: '1', description: 'points per yuan, a decimal string with at most 4 decimals' })
  @Matches(RATE_PATTERN, { message: 'pointsPerYuan must be a decimal string with at most 4 decimals' })
  pointsPerYuan!: string;

  @ApiProperty({ enum: ['floor', 'round', 'ceil'], description: 'round is half up' })
  @IsIn(['floor', 'round', 'ceil'])
  rounding!: 'floor' | 'round' | 'ceil';

  @ApiProperty({ example: { food: '2', parking: '0' }, description: 'per category; absent = 1 (≤ 2 decimals)' })
  @IsObject()
  categoryMultipliers!: Record<string, string>;

  @ApiProperty({ example: ['points', 'coupon'], description: 'payCls values that earn nothing' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { each: true, message: 'excludedPayCls items must be payment class codes' })
  excludedPayCls!: string[];
}

export class EarnRuleDto implements EarnRuleView {
  @ApiProperty({ example: 'mallA-points' }) programId!: string;
  @ApiProperty({ example: '1' }) pointsPerYuan!: string;
  @ApiProperty({ enum: ['floor', 'round', 'ceil'] }) rounding!: 'floor' | 'round' | 'ceil';
  @ApiProperty({ example: { food: '2' } }) categoryMultipliers!: Record<string, string>;
  @ApiProperty({ example: ['points', 'coupon'] }) excludedPayCls!: string[];
}

/** Multipliers are a free-form map: each value checked here (class-validator has no per-value rule for maps). */
export function multiplierProblem(m: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(m)) {
    if (!(CATEGORIES as readonly string[]).includes(k)) return `categoryMultipliers.${k}: unknown category`;
    if (typeof v !== 'string' || !MULTIPLIER_PATTERN.test(v))
      return `categoryMultipliers.${k} must be a decimal string with at most 2 decimals`;
  }
  return undefined;
}

export class EnrollMemberDto {
  @ApiPropertyOptional({
    example: 'did:mallchain:7Hq…',
    description:
      "the member's own DID on the ledger (a wallet's); absent: this mall creates a custodial did:mallchain for the member (answer: custodialDid)",
  })
  @IsOptional()
  @Matches(/^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,180}$/, { message: 'did must be a DID (did:<method>:<id>)' })
  did?: string;

  @ApiPropertyOptional({ example: '张三' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: '13800138000' })
  @IsOptional()
  @Matches(/^\+?[0-9]{5,20}$/, { message: 'mobile must be 5 to 20 digits' })
  mobile?: string;

  @ApiPropertyOptional({ example: 'Gold' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  levelName?: string;

  @ApiProperty({ example: ['C000123'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(CODE, { each: true, message: `cardNos items ${CODE_RULE}` })
  cardNos!: string[];
}

class CardDto {
  @ApiProperty() cardNo!: string;
  @ApiProperty({ example: 'active' }) status!: string;
}

export class MemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() did!: string;
  @ApiProperty({ type: String, nullable: true }) levelName!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) mobile!: string | null;
  @ApiProperty({ type: CardDto, isArray: true }) cards!: CardDto[];
}

class HeldDidDto {
  @ApiProperty({ example: 'did:mallchain:Wbkx3RzL9k6-OxiVydUUaQv5SIWMglU8_DIPj30EwBY' }) did!: string;
  @ApiProperty({ enum: ['held'] }) status!: 'held';
  @ApiProperty({ description: 'intake item of its CreateDid (GET /v1/intake/{trackingId})' }) trackingId!: string;
}

export class EnrolledMemberDto extends MemberDto {
  @ApiPropertyOptional({
    type: HeldDidDto,
    description:
      'present when the request named no DID: the custodial DID this mall created (GET /v1/custodial-dids/{did})',
  })
  custodialDid?: HeldDidDto;
}
