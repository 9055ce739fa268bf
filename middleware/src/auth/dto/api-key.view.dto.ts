import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '../api-keys.service';
import { SCOPES, type Scope } from '../scopes';

export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'the secret: shown in this answer only, stored as SHA-256', example: 'mck_…' })
  key!: string;
  @ApiProperty({ example: 'MallAMSP' }) mallMspId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: Scope[];
}

export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'MallAMSP' }) mallMspId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'first characters of the key, to recognise it' }) keyPrefix!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) revokedAt!: Date | null;
}
