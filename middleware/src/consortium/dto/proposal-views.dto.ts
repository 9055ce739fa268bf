import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const FREE_FORM = { type: 'object', additionalProperties: true } as const;

export class SignatureSummaryDto {
  @ApiProperty({ example: 'MallAMSP' }) mspId!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ example: 'admin' }) role!: string;
  @ApiProperty() signedAt!: string;
  @ApiPropertyOptional({
    description: 'the API key actor that had this mall sign (absent for signatures made elsewhere)',
  })
  recordedBy?: string;
}

export class ProposalViewDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'add-mall' }) operation!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ enum: ['open', 'submitting', 'submitted'] }) status!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ type: Number, nullable: true, description: 'config sequence reached once submitted' })
  sequence!: number | null;
  @ApiProperty({ type: String, isArray: true }) changes!: string[];
  @ApiProperty({ type: String, isArray: true }) requiredPolicies!: string[];
  @ApiProperty({ type: SignatureSummaryDto, isArray: true }) signatures!: SignatureSummaryDto[];
}

export class ProposalCheckDto {
  @ApiProperty() currentSequence!: number;
  @ApiProperty({ description: 'the channel config changed since the proposal was made' }) stale!: boolean;
  @ApiProperty({ description: 'nothing stops a submit' }) ready!: boolean;
  @ApiProperty({ type: 'array', items: FREE_FORM, description: 'mspId, subject, role, recognised' })
  signers!: object[];
  @ApiProperty({ type: 'array', items: FREE_FORM, description: 'policy, satisfied, rule, missing, stillNeeded' })
  policies!: object[];
  @ApiProperty({ type: String, isArray: true, description: 'orgs whose admins still need to sign' })
  missing!: string[];
  @ApiProperty({ ...FREE_FORM, nullable: true, description: '{code, message} of the refusal a submit would get' })
  blockedBy!: object | null;
}

export class ProposalStatusViewDto extends ProposalViewDto {
  @ApiProperty({ type: ProposalCheckDto, description: 'evaluated against the channel as it is now' })
  check!: ProposalCheckDto;
}

/** The proposal file (`mallchain-config-proposal/1`) carried from mall to mall. */
export class ConfigProposalDto {
  @ApiProperty({ example: 'mallchain-config-proposal/1' }) format!: string;
  @ApiProperty() id!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ ...FREE_FORM, description: 'kind and its fields' }) operation!: object;
  @ApiProperty({ type: String, isArray: true }) changes!: string[];
  @ApiProperty({ type: String, isArray: true }) requiredPolicies!: string[];
  @ApiProperty() baseSequence!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: 'array', items: FREE_FORM, description: 'mspId, subject, role, signedAt' })
  signatures!: object[];
  @ApiProperty({ description: 'base64 of the config update envelope with its signatures' }) envelope!: string;
}
