import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORIES, LEDGER_ID } from './registry.dto';

const ID_RULE = 'must be a ledger ID ([A-Za-z0-9][A-Za-z0-9._:@-/]*, ≤ 128)';
export const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,180}$/;
const DID_RULE = 'must be a DID (did:<method>:<id>, ≤ 200)';
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL = /^[A-Za-z0-9_-]{16,200}$/;
const MAX_POINTS = 1_000_000_000;
const EXAMPLE_DID = 'did:mallchain:zQ3shXcpBfaL7wTqr3Ej8q8dUF9fMxVbhKpW5mN2vRs4aT1uY';

export class CreateProgramDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;

  @ApiProperty({ example: 'Mall A Rewards' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 1, description: 'liability per point in fen (1..100000)' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  unitValueFen!: number;

  @ApiProperty({ example: 24, description: 'months after earning when a lot expires (1..120)' })
  @IsInt()
  @Min(1)
  @Max(120)
  expiryMonths!: number;

  @ApiProperty({ example: 7, description: 'days points stay pending (returns); below expiryMonths × 28' })
  @IsInt()
  @Min(0)
  @Max(365)
  returnWindowDays!: number;
}

export class CreateMerchantDto {
  @ApiProperty({ example: 'store-0101' })
  @Matches(LEDGER_ID, { message: `merchantId ${ID_RULE}` })
  merchantId!: string;

  @ApiProperty({ example: 'Store 0101' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: CATEGORIES, example: 'retail' })
  @IsIn(CATEGORIES)
  category!: string;

  @ApiProperty({ example: 'mallA-points', description: "one of this mall's programs" })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;
}

export class ConsentDto {
  @ApiProperty({ example: `${EXAMPLE_DID}#key-1`, description: 'key ID in the member DID document' })
  @IsString()
  @Length(1, 300)
  kid!: string;

  @ApiProperty({ example: 'MEUCIQ…', description: 'base64url signature over JCS of the consent (docs/points.md)' })
  @Matches(B64URL, { message: 'consent.signature must be base64url' })
  signature!: string;
}

/** The member's signature over an action (docs/points.md): nonce, deadline and consent, always together. */
interface MemberSignature {
  nonce: string;
  deadline: string;
  consent: ConsentDto;
}

/**
 * The base of every DTO the member signs: the three fields required (`true`), or all optional (`false`: a redemption
 * of this mall's own points needs no consent; the service refuses one or two of the three without the rest).
 */
function signedBy(required: true): new () => MemberSignature;
function signedBy(required: false): new () => Partial<MemberSignature>;
function signedBy(required: boolean): new () => Partial<MemberSignature> {
  const Field = required ? ApiProperty : ApiPropertyOptional;
  // Required nonce and deadline need no IsDefined: their pattern already names them when they are missing.
  const optional: PropertyDecorator = required ? (): void => undefined : IsOptional();
  const consentPresent = required
    ? IsDefined({ message: 'consent is required (the member signs this action)' })
    : optional;
  class Signed {
    @Field({ example: 'n-7f3a9c', description: required ? undefined : 'with consent (another mall’s points)' })
    @optional
    @Matches(NONCE, { message: 'nonce must be 1 to 64 of [A-Za-z0-9_-]' })
    nonce?: string;

    @Field({ example: '2026-12-01T13:30:00Z', description: required ? 'as signed, exact string' : undefined })
    @optional
    @IsISO8601({ strict: true }, { message: 'deadline must be an ISO-8601 time' })
    deadline?: string;

    @Field({ type: ConsentDto })
    @consentPresent
    @ValidateNested()
    @Type(() => ConsentDto)
    consent?: ConsentDto;
  }
  return Signed;
}

export class RedeemDto extends signedBy(false) {
  @ApiProperty({ example: 'parking-b1' })
  @Matches(LEDGER_ID, { message: `merchant ${ID_RULE}` })
  merchant!: string;

  @ApiProperty({ example: 'ticket-000123', description: 'idempotency reference at the merchant' })
  @Matches(LEDGER_ID, { message: `ref ${ID_RULE}` })
  ref!: string;

  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DID, { message: `member ${DID_RULE}` })
  member!: string;

  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;

  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS)
  amount!: number;
}

export class TransferDto extends signedBy(true) {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;

  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DID, { message: `from ${DID_RULE}` })
  from!: string;

  @ApiProperty({ example: 'did:mallchain:zQ3shR2…' })
  @Matches(DID, { message: `to ${DID_RULE}` })
  to!: string;

  @ApiProperty({ example: 50 })
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS)
  amount!: number;
}

export class ExchangeDto extends signedBy(true) {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DID, { message: `member ${DID_RULE}` })
  member!: string;

  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `fromProgram ${ID_RULE}` })
  fromProgram!: string;

  @ApiProperty({ example: 'mallB-points' })
  @Matches(LEDGER_ID, { message: `toProgram ${ID_RULE}` })
  toProgram!: string;

  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS)
  amount!: number;

  @ApiProperty({ example: 50, description: 'amount × numerator ÷ denominator, exactly' })
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS)
  receive!: number;
}

export class RateDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `fromProgram ${ID_RULE}` })
  fromProgram!: string;

  @ApiProperty({ example: 'mallB-points' })
  @Matches(LEDGER_ID, { message: `toProgram ${ID_RULE}` })
  toProgram!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  numerator!: number;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  denominator!: number;

  @ApiPropertyOptional({ example: 1, description: 'fen per received point; required to approve' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  unitValueFen?: number;
}

export class ExpireDto {
  @ApiPropertyOptional({ example: 500, description: 'lots swept in one transaction (1..500)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ClaimNamespaceDto {
  @ApiProperty({
    example: 'mallA',
    description: 'leading segment of IDs (before - . _ : @ /), 2..40 letters and digits, case-insensitive',
  })
  @Matches(/^[A-Za-z0-9]{2,40}$/, { message: 'namespace must be 2 to 40 letters and digits' })
  namespace!: string;
}

export class ConsolidateLotsDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;

  @ApiPropertyOptional({
    example: '2028-11-30',
    description: 'UTC day the lots expire on; absent: the day with the most mergeable lots',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiresOn must be a UTC day YYYY-MM-DD' })
  expiresOn?: string;

  @ApiPropertyOptional({ example: 500, description: 'lots merged in one transaction at most (2..500)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    example: 'consolidate-2026-12-01',
    description: 'names the run: the same requestId again is a duplicate; absent, every call is a new run',
  })
  @IsOptional()
  @Matches(NONCE, { message: 'requestId must be 1 to 64 letters, digits, _ or -' })
  requestId?: string;
}

export class ClosePeriodDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 time' })
  from!: string;

  @ApiProperty({ example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 time' })
  to!: string;
}

/** Where a read comes from: the projected cache (default) or the peer. */
export class ConsistencyDto {
  @ApiPropertyOptional({ enum: ['cache', 'ledger'], description: 'ledger: evaluated on this mall’s peer' })
  @IsOptional()
  @IsIn(['cache', 'ledger'])
  consistency?: 'cache' | 'ledger';
}

export class MemberQueryDto extends ConsistencyDto {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DID, { message: `member ${DID_RULE}` })
  member!: string;

  @ApiPropertyOptional({ example: 'mallA-points' })
  @IsOptional()
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId?: string;
}

export class LotsQueryDto extends MemberQueryDto {
  @ApiPropertyOptional({ description: 'also lots with nothing left' })
  @IsOptional()
  @Type(() => Boolean)
  @IsBoolean()
  includeEmpty?: boolean;
}

export class HistoryQueryDto extends ConsistencyDto {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(DID, { message: `member ${DID_RULE}` })
  member!: string;

  @ApiPropertyOptional({ example: 100, description: '1..1000, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AccrualQueryDto extends ConsistencyDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId!: string;

  @ApiProperty({ example: 'haide:MALL-A/P001/F0001' })
  @Matches(LEDGER_ID, { message: `sourceRef ${ID_RULE}` })
  sourceRef!: string;
}

export class RedemptionQueryDto extends ConsistencyDto {
  @ApiProperty({ example: 'parking-b1' })
  @Matches(LEDGER_ID, { message: `merchant ${ID_RULE}` })
  merchant!: string;

  @ApiProperty({ example: 'ticket-000123' })
  @Matches(LEDGER_ID, { message: `ref ${ID_RULE}` })
  ref!: string;
}

export class ClearingQueryDto extends ConsistencyDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 time' })
  from!: string;

  @ApiProperty({ example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 time' })
  to!: string;

  @ApiPropertyOptional({ example: 'MallBMSP', description: 'only entries where this mall owes or is owed' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]{1,64}$/, { message: 'mall must be an MSP ID' })
  mall?: string;
}

export class MerchantListQueryDto {
  @ApiPropertyOptional({ example: 'mallA-points' })
  @IsOptional()
  @Matches(LEDGER_ID, { message: `programId ${ID_RULE}` })
  programId?: string;
}

export class RateQueryDto extends ConsistencyDto {
  @ApiProperty({ example: 'mallA-points' })
  @Matches(LEDGER_ID, { message: `fromProgram ${ID_RULE}` })
  fromProgram!: string;

  @ApiProperty({ example: 'mallB-points' })
  @Matches(LEDGER_ID, { message: `toProgram ${ID_RULE}` })
  toProgram!: string;
}
