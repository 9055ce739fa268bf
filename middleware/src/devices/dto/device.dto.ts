import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { AttestationView, DeviceRecordView, DeviceStatus, DeviceView } from '../../console/api-types';

export const DEVICE_TYPES = ['people_counter', 'receipt_printer', 'rfid_reader', 'gateway'] as const;
export const DEVICE_DID = /^did:mallchain:[A-Za-z0-9_-]{43}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} ._:@#()/-]*$/u;

export class PublicJwkDto {
  @ApiProperty({ enum: ['EC', 'OKP'] }) @IsIn(['EC', 'OKP']) kty!: 'EC' | 'OKP';
  @ApiProperty({ enum: ['P-256', 'Ed25519'] }) @IsIn(['P-256', 'Ed25519']) crv!: 'P-256' | 'Ed25519';
  @ApiProperty() @IsString() @MaxLength(64) @Matches(B64URL) x!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) @Matches(B64URL) y?: string;
}

export class ProofDto {
  @ApiProperty({
    description: 'base64url signature by the new key over JCS of the possession payload (docs/devices.md)',
  })
  @IsString()
  @MaxLength(200)
  @Matches(B64URL, { message: 'signature must be base64url' })
  signature!: string;
}

export class LocationDto {
  @ApiProperty() @IsString() @Length(1, 64) @Matches(LABEL) site!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) @Matches(LABEL) floor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) @Matches(LABEL) zone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) @Matches(LABEL) entrance?: string;
}

/** `devices:RegisterDevice`; the device signs the proof itself, its private key never reaches the middleware. */
export class RegisterDeviceDto {
  @ApiProperty({ example: 'did:mallchain:…', description: 'did:mallchain: + RFC 7638 thumbprint of publicKeyJwk' })
  @Matches(DEVICE_DID, { message: 'did must be did:mallchain: and a 43-character thumbprint' })
  did!: string;

  @ApiProperty({ enum: DEVICE_TYPES }) @IsIn(DEVICE_TYPES) type!: (typeof DEVICE_TYPES)[number];
  @ApiProperty() @IsString() @Length(1, 64) @Matches(LABEL) model!: string;

  @ApiProperty({ description: 'sha-256 hex of the firmware image' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'firmwareDigest must be 64 lowercase hex characters' })
  firmwareDigest!: string;

  @ApiProperty({ type: LocationDto }) @ValidateNested() @Type(() => LocationDto) @IsObject() location!: LocationDto;
  @ApiProperty({ type: PublicJwkDto })
  @ValidateNested()
  @Type(() => PublicJwkDto)
  @IsObject()
  publicKeyJwk!: PublicJwkDto;
  @ApiProperty({ type: ProofDto }) @ValidateNested() @Type(() => ProofDto) @IsObject() proof!: ProofDto;
}

export class RotateKeyDto {
  @ApiProperty({ type: PublicJwkDto })
  @ValidateNested()
  @Type(() => PublicJwkDto)
  @IsObject()
  publicKeyJwk!: PublicJwkDto;
  @ApiPropertyOptional({ description: 'ISO time the old key was compromised (≤ now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  compromisedAt?: string;
  @ApiProperty({ type: ProofDto }) @ValidateNested() @Type(() => ProofDto) @IsObject() proof!: ProofDto;
}

/** Suspend / reactivate / revoke. `requestId` makes a retried call the same intake item. */
export class StatusChangeDto {
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) reason?: string;
  @ApiPropertyOptional({ description: 'revoke only: ISO time of compromise (≤ now, default now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  compromisedAt?: string;
  @ApiPropertyOptional({ description: 'idempotency key of the change (default: a new change each call)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_-]+$/)
  requestId?: string;
}

export class ListDevicesQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'suspended', 'revoked'] })
  @IsOptional()
  @IsIn(['active', 'suspended', 'revoked'])
  status?: string;
  @ApiPropertyOptional({ enum: DEVICE_TYPES }) @IsOptional() @IsIn(DEVICE_TYPES) type?: string;
}

export class AttestationsQueryDto {
  @ApiProperty({ description: 'ISO time, inclusive (periodStart)' }) @IsISO8601({ strict: true }) from!: string;
  @ApiProperty({ description: 'ISO time, exclusive; at most 31 days after from' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class DeviceDto implements DeviceView {
  @ApiProperty() did!: string;
  @ApiProperty() ownerMsp!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ enum: ['active', 'suspended', 'revoked'] }) status!: DeviceStatus;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the ledger record (keys, location…)' })
  record!: DeviceRecordView;
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: string;
}

export class AttestationDto implements AttestationView {
  @ApiProperty() deviceDid!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() digest!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) record!: object;
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: string;
}
