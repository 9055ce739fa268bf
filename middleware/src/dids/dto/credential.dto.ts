import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { MALLCHAIN_DID } from './did.dto';

export class IssueCredentialDto {
  @ApiProperty({ example: 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s', description: 'the member' })
  @Matches(MALLCHAIN_DID, { message: 'subjectDid must be a did:mallchain DID' })
  subjectDid!: string;

  @ApiProperty({ example: 'mall-a-rewards' })
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'programId must be 1–64 of A–Z a–z 0–9 . _ : -' })
  programId!: string;
}

export class VerifyCredentialDto {
  @ApiProperty({ example: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9…' })
  @IsString()
  @MaxLength(16_384)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'jwt must be a compact JWS' })
  jwt!: string;
}

export class IssuedCredentialDto {
  @ApiProperty({ example: '5f0c2f9e-3a0e-4a53-9d0c-1f3c2b6e7a10' }) id!: string;
  @ApiProperty({ example: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9…' }) jwt!: string;
  @ApiProperty({ example: 'did:mallchain:pbT7dx2N1DvtztSADKR9kf7VK392J9TVG8QaPX17ssY' }) issuer!: string;
  @ApiProperty({ example: 94567 }) statusListIndex!: number;
}

export class CredentialVerificationDto {
  @ApiProperty({ example: false }) verified!: boolean;
  @ApiPropertyOptional({ example: 'did:mallchain:pbT7dx2N1DvtztSADKR9kf7VK392J9TVG8QaPX17ssY' }) issuer?: string;
  @ApiPropertyOptional({ example: 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s' }) subject?: string;
  @ApiPropertyOptional({ example: 'mall-a-rewards' }) programId?: string;
  @ApiPropertyOptional({ enum: ['valid', 'revoked', 'suspended', 'unknown'], example: 'revoked' }) status?: string;
  @ApiPropertyOptional({ example: 'the credential is revoked (list version 2)' }) reason?: string;
}

export class IssuerSetupDto {
  @ApiProperty({ example: 'did:mallchain:pbT7dx2N1DvtztSADKR9kf7VK392J9TVG8QaPX17ssY' }) issuer!: string;
  @ApiProperty({ example: 'membership' }) listId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'intake ack of the DID creation' })
  create!: object;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'intake ack of status list version 1' })
  statusList!: object;
}
