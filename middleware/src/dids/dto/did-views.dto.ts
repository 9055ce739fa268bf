import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const DID = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';

/** A DID Resolution result (docs/did-method.md §4.2). */
export class DidResolutionDto {
  @ApiProperty({ example: 'https://w3id.org/did-resolution/v1' }) '@context'!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { '@context': ['https://www.w3.org/ns/did/v1'], id: DID, verificationMethod: [], authentication: [] },
  })
  didDocument!: object | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      created: '2026-03-01T02:00:00.000Z',
      updated: '2026-03-01T02:01:00.000Z',
      versionId: '2',
      deactivated: false,
      role: 'member',
      txId: '9f2c…',
    },
  })
  didDocumentMetadata!: object;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { contentType: 'application/did+json' } })
  didResolutionMetadata!: object;
}

export class StatusListVersionDto {
  @ApiProperty({ example: DID }) issuer!: string;
  @ApiProperty({ example: 'members-2026' }) listId!: string;
  @ApiProperty({ enum: ['revocation', 'suspension'] }) purpose!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: '5d41…(64 hex)' }) digest!: string;
  @ApiPropertyOptional({ example: 'uH4sIAAAAAAAA…' }) encodedList?: string;
  @ApiPropertyOptional({ example: 131072 }) length?: number;
  @ApiProperty({ example: '2026-03-01T02:00:00.000Z' }) anchoredAt!: string;
  @ApiProperty({ example: '9f2c…' }) txId!: string;
}

export class CredentialStatusDto {
  @ApiProperty({ example: 94567 }) index!: number;
  @ApiProperty({ example: '2026-03-01T02:00:00.000Z' }) at!: string;
  @ApiProperty({ enum: ['valid', 'revoked', 'suspended', 'unknown'], example: 'revoked' }) status!: string;
  @ApiProperty({ enum: [0, 1], nullable: true, example: 1 }) bit!: number | null;
  @ApiProperty({ type: StatusListVersionDto }) statusList!: StatusListVersionDto;
}

export class CredentialBatchDto {
  @ApiProperty({ example: DID }) issuer!: string;
  @ApiProperty({ example: 'batch-2026-03-01' }) batchId!: string;
  @ApiProperty({ example: 'a3f1…(64 hex)' }) root!: string;
  @ApiProperty({ example: 1000 }) size!: number;
  @ApiProperty({ example: '2026-03-01T02:00:00.000Z' }) anchoredAt!: string;
  @ApiProperty({ example: '9f2c…' }) txId!: string;
}

export class InclusionResultDto {
  @ApiProperty({ example: true }) included!: boolean;
  @ApiProperty({ type: CredentialBatchDto }) batch!: CredentialBatchDto;
}
