import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChaincodeStatus, ChannelListing, ChannelSummary, OrgIdentities } from '../../console/api-types';
import type { AuditResult } from '../audit-log.entity';
import type { OperationStatus, ProgressLine } from '../operation.entity';

// Response schemas of the consortium endpoints. The shapes are those of @mallchain/fabric-network's
// ConsortiumAdmin results and of the middleware's own rows; nested structures that only people read
// (policies, capabilities) are documented as free-form objects.

const FREE_FORM = { type: 'object', additionalProperties: true } as const;

export class OperationAcceptedDto {
  @ApiProperty({ format: 'uuid' }) operationId!: string;
  @ApiProperty({ enum: ['running'] }) status!: 'running';
  @ApiProperty({ example: '/v1/admin/consortium/operations/0b6e…' }) statusUrl!: string;
}

export class ChannelListingDto implements ChannelListing {
  @ApiProperty({ example: 'mallchannel' }) channel!: string;
  @ApiProperty({ ...FREE_FORM, description: 'block height per peer that joined the channel' })
  heights!: Record<string, number>;
  @ApiProperty({
    ...FREE_FORM,
    description: 'peers of the topology this middleware could not ask, with why: their height is unknown, not zero',
    example: { 'peer0.mall-c.example.com': '14 UNAVAILABLE: No connection established' },
  })
  unreachable!: Record<string, string>;
  @ApiProperty({ type: String, isArray: true, example: ['MallAMSP', 'MallBMSP'] }) members!: string[];
  @ApiProperty({ type: String, isArray: true }) orderers!: string[];
}

export class OrgSummaryDto {
  @ApiProperty() mspId!: string;
  @ApiProperty({ enum: ['Application', 'Orderer'] }) section!: 'Application' | 'Orderer';
  @ApiProperty({ description: 'common name of the root CA' }) rootCa!: string;
  @ApiProperty() nodeOUs!: boolean;
  @ApiProperty({ type: String, isArray: true }) anchorPeers!: string[];
  @ApiProperty() revokedCertificates!: number;
  @ApiProperty({ ...FREE_FORM, description: 'policy name → rule in words' }) policies!: Record<string, string>;
}

export class ChannelSummaryDto implements ChannelSummary {
  @ApiProperty() channel!: string;
  @ApiProperty() configSequence!: number;
  @ApiProperty() configBlock!: number;
  @ApiProperty({ ...FREE_FORM, description: 'channel / application / orderer → capability names' })
  capabilities!: Record<string, string[]>;
  @ApiProperty({ ...FREE_FORM, description: 'policy path → rule in words' }) policies!: Record<string, string>;
  @ApiProperty({ ...FREE_FORM, description: 'timeout, maxMessageCount, absoluteMaxBytes, preferredMaxBytes' })
  batch!: object;
  @ApiProperty({ ...FREE_FORM, description: 'type and consenters' }) consensus!: ChannelSummary['consensus'];
  @ApiProperty({ type: OrgSummaryDto, isArray: true }) orgs!: OrgSummaryDto[];
}

export class IdentitySummaryDto {
  @ApiProperty({ example: 'middleware' }) name!: string;
  @ApiProperty({ description: 'MSP folder of the identity on the middleware host' }) mspDir!: string;
  @ApiProperty() revoked!: boolean;
  @ApiProperty() commonName!: string;
  @ApiProperty({ type: String, isArray: true }) organizationalUnits!: string[];
  @ApiProperty({ enum: ['admin', 'client', 'peer', 'orderer', 'unknown'] }) role!: string;
  @ApiProperty({ description: 'upper-case hex' }) serial!: string;
  @ApiProperty() notAfter!: string;
  @ApiProperty() issuer!: string;
}

export class OrgIdentitiesDto implements OrgIdentities {
  @ApiProperty() mspId!: string;
  @ApiProperty() domain!: string;
  @ApiProperty({ type: String, isArray: true }) admins!: string[];
  @ApiProperty({ type: IdentitySummaryDto, isArray: true }) identities!: IdentitySummaryDto[];
}

export class ChaincodeStatusDto implements ChaincodeStatus {
  @ApiProperty() channel!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ ...FREE_FORM, nullable: true, description: 'committed definition: sequence, version, approvals' })
  committed!: ChaincodeStatus['committed'];
  @ApiProperty({
    type: 'array',
    items: FREE_FORM,
    description: 'per org: mspId, installed packages, latest approval',
  })
  orgs!: ChaincodeStatus['orgs'];
}

export class ProgressLineDto implements ProgressLine {
  @ApiProperty() at!: string;
  @ApiProperty() line!: string;
}

export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'chaincode.upgrade' }) kind!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: OperationStatus;
  @ApiProperty() actor!: string;
  @ApiProperty(FREE_FORM) target!: object;
  @ApiProperty({ type: ProgressLineDto, isArray: true }) progress!: ProgressLineDto[];
  @ApiPropertyOptional({ description: 'what the operation produced, when it succeeded' }) result!: unknown;
  @ApiProperty({ ...FREE_FORM, nullable: true, description: '{code, message} when it failed' }) error!: object | null;
  @ApiProperty() startedAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) finishedAt!: Date | null;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'api-key:ops@MallAMSP' }) actor!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) actorKeyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorKeyName!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorMspId!: string | null;
  @ApiProperty({ example: 'proposal.sign' }) operation!: string;
  @ApiProperty(FREE_FORM) target!: object;
  @ApiProperty() startedAt!: Date;
  @ApiProperty() finishedAt!: Date;
  @ApiProperty({ enum: ['ok', 'refused', 'failed'] }) result!: AuditResult;
  @ApiProperty({ ...FREE_FORM, nullable: true, description: '{code, message, status, details?}' })
  error!: object | null;
  @ApiProperty({ ...FREE_FORM, nullable: true }) outcome!: object | null;
  @ApiProperty({ type: 'array', items: FREE_FORM, description: 'what ConsortiumAdmin recorded while serving it' })
  steps!: unknown[];
}

export class AuditPageDto {
  @ApiProperty({ type: AuditEntryDto, isArray: true }) items!: AuditEntryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
