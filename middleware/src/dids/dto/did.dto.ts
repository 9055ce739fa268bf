import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { DidDocument, DidRole, StatusPurpose } from '../../ledger/domain/did.ledger';

export const MALLCHAIN_DID = /^did:mallchain:[A-Za-z0-9_-]{43}$/;
export const DID_ROLES: readonly DidRole[] = ['member', 'merchant', 'device', 'mall'];
const B64URL = /^[A-Za-z0-9_-]+$/;
const VERSION_ID = /^[1-9][0-9]{0,9}$/;
const LIST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const HEX64 = /^[0-9a-f]{64}$/;

const EXAMPLE_DID = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';
const EXAMPLE_DOCUMENT = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
  id: EXAMPLE_DID,
  verificationMethod: [
    {
      id: `${EXAMPLE_DID}#key-1`,
      type: 'JsonWebKey2020',
      controller: EXAMPLE_DID,
      publicKeyJwk: {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      },
    },
  ],
  authentication: [`${EXAMPLE_DID}#key-1`],
  assertionMethod: [`${EXAMPLE_DID}#key-1`],
};

export class DidProofDto {
  @ApiProperty({ example: `${EXAMPLE_DID}#key-1`, description: 'the controller key that signed' })
  @IsString()
  @MaxLength(140)
  @Matches(/^did:mallchain:[A-Za-z0-9_-]{43}#[A-Za-z0-9._-]{1,64}$/, { message: 'kid must be <did>#<fragment>' })
  kid!: string;

  @ApiProperty({
    example: 'MEUCIQ…',
    description: 'base64url signature over JCS of the operation (ES256: raw r‖s; EdDSA), docs/did-method.md §4',
  })
  @IsString()
  @MaxLength(200)
  @Matches(B64URL, { message: 'signature must be base64url' })
  signature!: string;
}

/** `dids:CreateDid`, relayed as signed: the proof is by the key the DID is derived from. */
export class CreateDidDto {
  @ApiProperty({ enum: DID_ROLES, example: 'member' }) @IsIn(DID_ROLES) role!: DidRole;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: EXAMPLE_DOCUMENT,
    description: 'docs/did-method.md §3',
  })
  @IsObject()
  document!: DidDocument;

  @ApiProperty({ type: DidProofDto }) @ValidateNested() @Type(() => DidProofDto) @IsObject() proof!: DidProofDto;
}

/** `dids:UpdateDid`: the new document replaces the current one; signed by a controller key of the current one. */
export class UpdateDidDto {
  @ApiProperty({ example: '1', description: 'the current version (what the signed operation replaces)' })
  @IsString()
  @Matches(VERSION_ID, { message: 'previousVersionId must be a version id such as "1"' })
  previousVersionId!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: EXAMPLE_DOCUMENT })
  @IsObject()
  document!: DidDocument;

  @ApiProperty({ type: DidProofDto }) @ValidateNested() @Type(() => DidProofDto) @IsObject() proof!: DidProofDto;
}

/** `dids:DeactivateDid`: final. */
export class DeactivateDidDto {
  @ApiProperty({ example: '2' })
  @IsString()
  @Matches(VERSION_ID, { message: 'previousVersionId must be a version id such as "1"' })
  previousVersionId!: string;

  @ApiProperty({ type: DidProofDto }) @ValidateNested() @Type(() => DidProofDto) @IsObject() proof!: DidProofDto;
}

/** `versionId` or `versionTime` (not both); `consistency=ledger` evaluates on the peer instead of the cache. */
export class ResolveQueryDto {
  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @Matches(VERSION_ID, { message: 'versionId must be a version id such as "1"' })
  versionId?: string;

  @ApiPropertyOptional({ example: '2026-03-01T02:00:30.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'versionTime must be an ISO 8601 time' })
  versionTime?: string;

  @ApiPropertyOptional({ enum: ['cache', 'ledger'], example: 'cache' })
  @IsOptional()
  @IsIn(['cache', 'ledger'])
  consistency?: 'cache' | 'ledger';
}

/** `status:AnchorStatusList`, signed by an assertionMethod key of the issuer. */
export class AnchorStatusListDto {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(MALLCHAIN_DID, { message: 'issuer must be a did:mallchain DID' })
  issuer!: string;

  @ApiProperty({ example: 'members-2026' })
  @Matches(LIST_ID, { message: 'listId must be 1–128 of A–Z a–z 0–9 . _ : -' })
  listId!: string;

  @ApiProperty({ enum: ['revocation', 'suspension'] }) @IsIn(['revocation', 'suspension']) purpose!: StatusPurpose;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(2 ** 31) version!: number;

  @ApiPropertyOptional({ description: 'multibase base64url ("u…") GZIP bitstring, ≥ 131,072 entries' })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  @Matches(/^u[A-Za-z0-9_-]+$/, { message: 'encodedList must be multibase base64url (starting with "u")' })
  encodedList?: string;

  @ApiPropertyOptional({ description: 'SHA-256 hex of encodedList (alone: only the digest is anchored)' })
  @IsOptional()
  @Matches(HEX64, { message: 'digest must be 64 lowercase hex characters' })
  digest?: string;

  @ApiProperty({ type: DidProofDto }) @ValidateNested() @Type(() => DidProofDto) @IsObject() proof!: DidProofDto;
}

/** `status:AnchorCredentialBatch`: an RFC 9162 Merkle root, anchored once. */
export class AnchorBatchDto {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(MALLCHAIN_DID, { message: 'issuer must be a did:mallchain DID' })
  issuer!: string;

  @ApiProperty({ example: 'batch-2026-03-01' })
  @Matches(LIST_ID, { message: 'batchId must be 1–128 of A–Z a–z 0–9 . _ : -' })
  batchId!: string;

  @ApiProperty({ example: 'a3f1…(64 hex)' })
  @Matches(HEX64, { message: 'root must be 64 lowercase hex characters' })
  root!: string;

  @ApiProperty({ example: 1000 }) @IsInt() @Min(1) @Max(1_000_000_000) size!: number;
  @ApiProperty({ type: DidProofDto }) @ValidateNested() @Type(() => DidProofDto) @IsObject() proof!: DidProofDto;
}

export class CheckStatusQueryDto {
  @ApiPropertyOptional({ example: '2026-03-01T02:00:30.000Z', description: 'default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  at?: string;
}

export class StatusListQueryDto {
  @ApiPropertyOptional({ example: '1', description: 'default: the latest' })
  @IsOptional()
  @Matches(VERSION_ID, { message: 'version must be a positive integer' })
  version?: string;
}

/** `status:VerifyInclusion`: leaf bytes, index and audit path of RFC 9162 §2.1.3. */
export class VerifyInclusionDto {
  @ApiProperty({ example: EXAMPLE_DID })
  @Matches(MALLCHAIN_DID, { message: 'issuer must be a did:mallchain DID' })
  issuer!: string;

  @ApiProperty({ example: 'batch-2026-03-01' })
  @Matches(LIST_ID, { message: 'batchId must be 1–128 of A–Z a–z 0–9 . _ : -' })
  batchId!: string;

  @ApiProperty({ example: '7b22…', description: 'the leaf, lowercase hex of its bytes (≤ 1024 bytes)' })
  @Matches(/^([0-9a-f]{2}){1,1024}$/, { message: 'leaf must be lowercase hex of whole bytes (at most 1024)' })
  leaf!: string;

  @ApiProperty({ example: 0 }) @IsInt() @Min(0) @Max(1_000_000_000) index!: number;

  @ApiProperty({ type: [String], example: ['9c1e…(64 hex)'] })
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(HEX64, { each: true, message: 'path entries must be 64 lowercase hex characters' })
  path!: string[];
}
