import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';

export const PROPOSAL_KINDS = ['add-mall', 'remove-mall', 'channel-params', 'revoke-identity'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export const CHANNEL_NAME = /^[a-z][a-z0-9.-]{0,48}$/;
export const MALL_NAME = /^(Mall)?[A-Z](MSP)?$/;

/** A config change to propose; which fields apply depends on `kind` (others are refused). */
export class CreateProposalDto {
  @ApiProperty({ enum: PROPOSAL_KINDS })
  @IsIn(PROPOSAL_KINDS)
  kind!: ProposalKind;

  @ApiPropertyOptional({ description: 'defaults to this middleware’s channel', example: 'mallchannel' })
  @IsOptional()
  @Matches(CHANNEL_NAME, { message: 'channel must be a channel name (lower case letters, digits, dots, dashes)' })
  channel?: string;

  @ApiPropertyOptional({ description: 'add-mall, remove-mall, revoke-identity', example: 'MallC' })
  @ValidateIf((o: CreateProposalDto) => o.kind !== 'channel-params' || o.mall !== undefined)
  @Matches(MALL_NAME, { message: 'mall must name a mall such as MallC, MallCMSP or C' })
  mall?: string;

  @ApiPropertyOptional({ description: 'revoke-identity: the identity name, e.g. middleware or User1' })
  @ValidateIf((o: CreateProposalDto) => o.kind === 'revoke-identity' || o.identity !== undefined)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, { message: 'identity must be an identity name such as middleware' })
  identity?: string;

  @ApiPropertyOptional({ description: 'channel-params: Go duration', example: '2s' })
  @IsOptional()
  @Matches(/^\d{1,6}(ms|s|m)$/, { message: 'batchTimeout must be a duration such as 250ms, 2s or 1m' })
  batchTimeout?: string;

  @ApiPropertyOptional({ description: 'channel-params' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxMessageCount?: number;

  @ApiPropertyOptional({ description: 'channel-params' })
  @IsOptional()
  @IsInt()
  @Min(1)
  absoluteMaxBytes?: number;

  @ApiPropertyOptional({ description: 'channel-params' })
  @IsOptional()
  @IsInt()
  @Min(1)
  preferredMaxBytes?: number;
}
