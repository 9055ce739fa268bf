/** Turns a validated CreateProposalDto into the ConsortiumAdmin call it stands for. */
import type { BatchParams, ConfigProposal } from '@mallchain/fabric-network';
import { BadInputError, ForbiddenError } from '../common/errors';
import type { ConsortiumAdminPort } from './consortium-admin.port';
import type { CreateProposalDto, ProposalKind } from './dto/create-proposal.dto';

const PARAM_FIELDS = ['batchTimeout', 'maxMessageCount', 'absoluteMaxBytes', 'preferredMaxBytes'] as const;

/** Fields each kind accepts besides `kind` and `channel`. */
const FIELDS: Readonly<Record<ProposalKind, readonly string[]>> = {
  'add-mall': ['mall'],
  'remove-mall': ['mall'],
  'channel-params': PARAM_FIELDS,
  'revoke-identity': ['mall', 'identity'],
};

export interface ProposalRequest {
  propose(admin: ConsortiumAdminPort): Promise<ConfigProposal>;
}

function mspIdOf(mall: string): string {
  const letter = mall.replace(/^Mall/, '').replace(/MSP$/, '');
  return `Mall${letter}MSP`;
}

function batchParams(dto: CreateProposalDto): BatchParams {
  const params: BatchParams = {
    ...(dto.batchTimeout === undefined ? {} : { batchTimeout: dto.batchTimeout }),
    ...(dto.maxMessageCount === undefined ? {} : { maxMessageCount: dto.maxMessageCount }),
    ...(dto.absoluteMaxBytes === undefined ? {} : { absoluteMaxBytes: dto.absoluteMaxBytes }),
    ...(dto.preferredMaxBytes === undefined ? {} : { preferredMaxBytes: dto.preferredMaxBytes }),
  };
  if (Object.keys(params).length === 0)
    throw new BadInputError(`channel-params needs at least one of ${PARAM_FIELDS.join(', ')}`);
  return params;
}

/**
 * @throws BadInputError for a field that does not belong to the kind
 * @throws ForbiddenError for revoking another mall's identity: that needs the other mall's CA key
 */
export function proposalRequest(dto: CreateProposalDto, ownMspId: string): ProposalRequest {
  const allowed = new Set(['kind', 'channel', ...FIELDS[dto.kind]]);
  const stray = Object.keys(dto).find(
    (k) => !allowed.has(k) && (dto as unknown as Record<string, unknown>)[k] !== undefined,
  );
  if (stray !== undefined) throw new BadInputError(`${stray}: does not apply to a ${dto.kind} proposal`);
  const opts = dto.channel === undefined ? {} : { channel: dto.channel };
  const mall = dto.mall ?? '';
  switch (dto.kind) {
    case 'add-mall':
      return { propose: (a) => a.proposeAddMall(mall, opts) };
    case 'remove-mall':
      return { propose: (a) => a.proposeRemoveMall(mall, opts) };
    case 'channel-params': {
      const params = batchParams(dto);
      return { propose: (a) => a.proposeChannelParams(params, opts) };
    }
    case 'revoke-identity': {
      if (mspIdOf(mall) !== ownMspId)
        throw new ForbiddenError(`mall: this middleware revokes identities of ${ownMspId} only (its CA signs the CRL)`);
      const identity = dto.identity ?? '';
      return { propose: (a) => a.proposeRevokeIdentity(mall, identity, opts) };
    }
  }
}
