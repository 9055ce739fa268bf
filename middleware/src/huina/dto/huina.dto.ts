import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COUNT_MAX, INTERVALS, RECORDS_MAX, SITE_KEY_MAX, SITE_KEY_PATTERN, SITE_TYPES } from '../traffic.validator';

const LOCAL_TIME = { example: '2026-03-01 10:15:00', description: 'Asia/Shanghai local time, yyyy-MM-dd HH:mm:ss' };

export class TrafficRecordDto {
  @ApiProperty({ example: 'MALLA-F1-N', maxLength: SITE_KEY_MAX, pattern: SITE_KEY_PATTERN.source }) siteKey!: string;
  @ApiProperty({ example: 'North gate', maxLength: 128 }) siteName!: string;
  @ApiProperty({
    enum: SITE_TYPES,
    description: '100 group · 300 mall · 400 zone · 500 floor · 600 store · 700 entrance',
  })
  siteType!: number;
  @ApiPropertyOptional({ example: 'MALLA-F1', description: 'builds the site tree' }) parentSiteKey?: string;
  @ApiProperty({ ...LOCAL_TIME, description: 'start of the bucket, aligned to the interval (Asia/Shanghai)' })
  dataTime!: string;
  @ApiProperty({ enum: INTERVALS, description: 'minutes (5, 15, 60, as number or string), H (= 60) or D' })
  interval!: string;
  @ApiProperty({ minimum: 0, maximum: COUNT_MAX }) inNum!: number;
  @ApiProperty({ minimum: 0, maximum: COUNT_MAX }) outNum!: number;
  @ApiPropertyOptional({ minimum: 0, maximum: COUNT_MAX, description: 'passers-by' }) throughNum?: number;
  @ApiProperty({
    ...LOCAL_TIME,
    description: 'revision time: a newer one replaces the bucket, an older or equal one is stale',
  })
  modifyTime!: string;
  @ApiPropertyOptional({ maxLength: 128 }) deviceHost?: string;
  @ApiPropertyOptional({ maxLength: 64 }) channel?: string;
}

export class DeviceProofDto {
  @ApiProperty({ example: 'did:mallchain:…' }) deviceDid!: string;
  @ApiProperty({ minimum: 1, description: 'strictly increasing per device' }) seq!: number;
  @ApiProperty({ description: 'base64url SHA-256 of JCS(records)' }) digest!: string;
  @ApiProperty({ description: 'base64url device signature over JCS of the traffic statement (docs/huina.md)' })
  signature!: string;
}

export class TrafficPushDto {
  @ApiProperty({ description: "the mall's code; must be the orgCode of the X-Ca-Key credential" }) customerId!: string;
  @ApiProperty({ type: TrafficRecordDto, isArray: true, minItems: 1, maxItems: RECORDS_MAX })
  records!: TrafficRecordDto[];
  @ApiPropertyOptional({ type: DeviceProofDto }) deviceProof?: DeviceProofDto;
}

export class RecordResultDto {
  @ApiProperty() index!: number;
  @ApiProperty() siteKey!: string;
  @ApiProperty() dataTime!: string;
  @ApiProperty() interval!: string;
  @ApiProperty({ enum: ['accepted', 'replaced', 'stale', 'rejected'] }) status!: string;
  @ApiPropertyOptional() reason?: string;
}

export class AttestationRefDto {
  @ApiProperty({ format: 'uuid', description: 'intake item of the attestation (GET /v1/intake/{trackingId})' })
  trackingId!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate'] }) outcome!: string;
  @ApiProperty({ enum: ['pending', 'committed', 'dead'] }) status!: string;
  @ApiProperty() deviceDid!: string;
  @ApiProperty() seq!: number;
}

export class PushResultDto {
  @ApiProperty({ type: RecordResultDto, isArray: true }) results!: RecordResultDto[];
  @ApiPropertyOptional({ type: AttestationRefDto }) attestation?: AttestationRefDto;
}

export class TrafficPointDto {
  @ApiProperty(LOCAL_TIME) dataTime!: string;
  @ApiProperty() inNum!: number;
  @ApiProperty() outNum!: number;
  @ApiProperty({ type: Number, nullable: true }) throughNum!: number | null;
  @ApiProperty({ description: 'number of sites summed' }) sites!: number;
}

export class ChildrenSumDto {
  @ApiProperty({ type: String, isArray: true }) siteKeys!: string[];
  @ApiProperty({ type: TrafficPointDto, isArray: true }) sum!: TrafficPointDto[];
}

export class TrafficSeriesDto {
  @ApiProperty() siteKey!: string;
  @ApiProperty() siteName!: string;
  @ApiProperty() siteType!: number;
  @ApiProperty() interval!: string;
  @ApiProperty(LOCAL_TIME) from!: string;
  @ApiProperty(LOCAL_TIME) to!: string;
  @ApiProperty({ type: TrafficPointDto, isArray: true }) own!: TrafficPointDto[];
  @ApiProperty({ type: ChildrenSumDto }) children!: ChildrenSumDto;
}

export class TrafficProofDto {
  @ApiProperty() siteKey!: string;
  @ApiProperty() dataTime!: string;
  @ApiProperty() interval!: string;
  @ApiProperty() deviceDid!: string;
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'base64url SHA-256 of JCS(records), as anchored' }) digest!: string;
  @ApiProperty() kid!: string;
  @ApiProperty({ format: 'uuid' }) trackingId!: string;
  @ApiProperty({ enum: ['pending', 'committed', 'dead'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) txId!: string | null;
  @ApiProperty({ type: String, nullable: true }) blockNumber!: string | null;
  @ApiProperty({ description: 'the stored rows still hash to the anchored digest' }) matches!: boolean;
  @ApiProperty({ type: String, isArray: true }) mismatches!: string[];
  @ApiProperty({ description: 'the peer confirmed the digest (devices:VerifyDigest)' }) ledgerChecked!: boolean;
}

/** The Huina envelope; `data` is typed per route in the OpenAPI document. */
export class HuinaErrorDto {
  @ApiProperty({ example: false }) success!: boolean;
  @ApiProperty({ example: 'SIGNATURE_INVALID', description: '"0" on success, else the stable error code' })
  statusCode!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) data!: object | null;
}
