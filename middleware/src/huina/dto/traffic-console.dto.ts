import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProofStatus } from '../traffic-read.service';
import type { SiteRow } from '../site-tree';

export class SiteDto implements SiteRow {
  @ApiProperty() siteKey!: string;
  @ApiProperty() siteName!: string;
  @ApiProperty() siteType!: number;
  @ApiProperty({ nullable: true, type: String }) parentSiteKey!: string | null;
}

export class ProofStatusDto implements ProofStatus {
  @ApiProperty({
    enum: ['verified', 'edited', 'pending', 'unproven'],
    description:
      '`verified`: rows match the device attestation and the peer agreed; `edited`: rows changed since anchoring; ' +
      '`pending`: matches, not (yet) confirmed on the ledger; `unproven`: pushed without a device proof',
  })
  proof!: ProofStatus['proof'];
  @ApiProperty({ type: String, isArray: true }) mismatches!: string[];
  @ApiPropertyOptional() deviceDid?: string;
  @ApiPropertyOptional() seq?: number;
  @ApiPropertyOptional({ nullable: true, type: String }) txId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) blockNumber?: string | null;
}
