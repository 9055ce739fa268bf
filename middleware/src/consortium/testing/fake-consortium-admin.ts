/**
 * In-memory stand-in for ConsortiumAdmin, for the middleware's HTTP tests: the same refusals
 * (AdminError codes, `details.missing`, `details.signer`), the same audit records (through the
 * library's `audited`) and progress lines, over a small simulated network of two malls.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminError,
  type AuditRecord,
  type BatchParams,
  type ChaincodeStatus,
  type ChannelListing,
  type ChannelSummary,
  type ConfigProposal,
  type IdentitySummary,
  type OrgIdentities,
  PROPOSAL_FORMAT,
  type ProposalOperation,
  type ProposalStatus,
  type SignerRef,
  type SubmitResult,
  type UpgradeResult,
  audited,
  refusal,
} from '@mallchain/fabric-network';
import type { AdminSession, ConsortiumAdminPort } from '../consortium-admin.port';
import type { FakeNetwork } from './fake-network';
import { envelopeOf, fakeIdentity } from './fake-signers';

function mspIdOf(mall: string): string {
  if (!/^(Mall)?[A-Z](MSP)?$/.test(mall)) throw new AdminError('INVALID_INPUT', `${mall} is not a mall`);
  return `Mall${mall.replace(/^Mall/, '').replace(/MSP$/, '')}MSP`;
}

export class FakeConsortiumAdmin implements ConsortiumAdminPort {
  constructor(
    private readonly net: FakeNetwork,
    private readonly session: AdminSession,
  ) {
    net.actors.push(session.actor);
  }

  #run<T>(name: keyof ConsortiumAdminPort, target: AuditRecord['target'], fn: () => Promise<T> | T): Promise<T> {
    const sink = (r: AuditRecord): void => {
      this.net.records.push(r);
      this.session.audit(r);
    };
    return audited(this.session.actor, sink, {
      operation: name,
      target,
      run: async () => {
        const failure = this.net.failures.get(name);
        if (failure) {
          this.net.failures.delete(name);
          throw failure;
        }
        return fn();
      },
    });
  }

  #channel(channel: string | undefined): string {
    const ch = channel ?? 'mallchannel';
    if (!this.net.channels.has(ch)) throw new AdminError('NOT_FOUND', `channel ${ch} does not exist`);
    return ch;
  }

  #proposal(channel: string | undefined, operation: ProposalOperation): ConfigProposal {
    return {
      format: PROPOSAL_FORMAT,
      id: randomUUID(),
      channel: this.#channel(channel),
      operation,
      changes: [`${operation.kind} change`],
      requiredPolicies: ['/Channel/Application/Admins: MAJORITY Admins'],
      baseSequence: this.net.configSequence,
      createdAt: new Date().toISOString(),
      createdBy: this.session.actor,
      signatures: [],
      envelope: envelopeOf([]),
    };
  }

  listChannels(): Promise<ChannelListing[]> {
    return this.#run('listChannels', {}, () =>
      [...this.net.channels].map(([channel, members]) => ({
        channel,
        heights: Object.fromEntries(members.map((m) => [m, 10])),
        unreachable: {},
        members,
        orderers: ['orderer0.mallchain.example.com'],
      })),
    );
  }

  showChannel(channel?: string): Promise<ChannelSummary> {
    return this.#run('showChannel', { channel: channel ?? null }, () => {
      const ch = this.#channel(channel);
      return {
        channel: ch,
        configSequence: this.net.configSequence,
        configBlock: this.net.configSequence,
        capabilities: { Channel: ['V2_0'] },
        policies: { '/Channel/Application/Admins': 'MAJORITY Admins' },
        batch: { timeout: '2s', maxMessageCount: 500, absoluteMaxBytes: 10485760, preferredMaxBytes: 2097152 },
        consensus: { type: 'etcdraft', consenters: ['127.0.0.1:7050'] },
        orgs: (this.net.channels.get(ch) ?? []).map((mspId) => ({
          mspId,
          section: 'Application' as const,
          rootCa: `ca.${mspId}`,
          nodeOUs: true,
          anchorPeers: [],
          revokedCertificates: 0,
          policies: {},
        })),
      };
    });
  }

  createChannel(name: string, malls: readonly string[]): Promise<ChannelSummary> {
    return this.#run('createChannel', { channel: name }, async () => {
      if (this.net.channels.has(name))
        throw new AdminError('ALREADY_EXISTS', `channel ${name} already exists on orderer0`);
      const members = malls.map(mspIdOf);
      this.session.progress(`genesis block for ${name}`);
      await this.net.hold;
      this.net.channels.set(name, members);
      this.session.progress(`${members.join(', ')} joined ${name}`);
      return this.showChannel(name);
    });
  }

  proposeAddMall(mall: string, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    return this.#run('proposeAddMall', { mall }, () => {
      const mspId = mspIdOf(mall);
      if (this.net.channels.get(opts.channel ?? 'mallchannel')?.includes(mspId))
        throw new AdminError(
          'ALREADY_EXISTS',
          `${mspId} is already a member of channel ${opts.channel ?? 'mallchannel'}`,
        );
      return this.#proposal(opts.channel, { kind: 'add-mall', mspId, anchorPeer: '127.0.0.1:7121' });
    });
  }

  proposeRemoveMall(mall: string, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    return this.#run('proposeRemoveMall', { mall }, () => {
      const mspId = mspIdOf(mall);
      if (!this.net.channels.get(opts.channel ?? 'mallchannel')?.includes(mspId))
        throw new AdminError('NOT_FOUND', `${mspId} is not a member of channel ${opts.channel ?? 'mallchannel'}`);
      return this.#proposal(opts.channel, { kind: 'remove-mall', mspId });
    });
  }

  proposeChannelParams(params: BatchParams, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    return this.#run('proposeChannelParams', {}, () => {
      if (params.maxMessageCount !== undefined && params.maxMessageCount > 10_000)
        throw new AdminError('INVALID_INPUT', `maxMessageCount must be an integer between 1 and 10000`);
      return this.#proposal(opts.channel, { kind: 'channel-params', ...params });
    });
  }

  proposeRevokeIdentity(mall: string, identity: string, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    return this.#run('proposeRevokeIdentity', { mall, identity }, () => {
      const mspId = mspIdOf(mall);
      if (!this.net.identities.has(`${mspId}/${identity}`))
        throw new AdminError('NOT_FOUND', `identity ${identity} of ${mspId} does not exist`);
      return this.#proposal(opts.channel, { kind: 'revoke-identity', mspId, identity, serial: '0A' });
    });
  }

  signProposal(p: ConfigProposal, signer: SignerRef): Promise<ConfigProposal> {
    const id = typeof signer === 'string' ? fakeIdentity(signer) : signer;
    return this.#run('signProposal', { proposal: p.id, signer: id.mspId }, () => this.net.sign(p, id));
  }

  proposalStatus(p: ConfigProposal, submitter?: SignerRef): Promise<ProposalStatus> {
    const id = typeof submitter === 'string' ? fakeIdentity(submitter) : submitter;
    return this.#run('proposalStatus', { proposal: p.id }, () => this.net.status(p, id));
  }

  submitProposal(p: ConfigProposal, submitter: SignerRef): Promise<SubmitResult> {
    const id = typeof submitter === 'string' ? fakeIdentity(submitter) : submitter;
    return this.#run('submitProposal', { proposal: p.id }, async () => {
      const blocked = refusal(this.net.status(p, id));
      if (blocked) throw blocked;
      this.session.progress(`sending the update of ${p.channel}`);
      await this.net.hold;
      this.net.configSequence += 1;
      const followUp: string[] = [];
      if (p.operation.kind === 'add-mall') {
        this.net.channels.get(p.channel)?.push(p.operation.mspId);
        followUp.push(`peer0 of ${p.operation.mspId} started and joined ${p.channel}`);
      }
      this.session.progress(`channel ${p.channel} config is now at sequence ${String(this.net.configSequence)}`);
      return { proposalId: p.id, channel: p.channel, sequence: this.net.configSequence, followUp };
    });
  }

  chaincodeStatus(): Promise<ChaincodeStatus> {
    return this.#run('chaincodeStatus', {}, () => ({
      channel: 'mallchannel',
      name: 'mallchain',
      committed: { sequence: this.net.chaincodeSequence, version: '0.1.0' },
      orgs: this.net.malls.map((mspId) => ({
        mspId,
        installed: [],
        approved: { sequence: this.net.chaincodeSequence, version: '0.1.0', packageId: 'pkg' },
      })),
    }));
  }

  async #upgrade(version: string | undefined): Promise<UpgradeResult> {
    const previous = { sequence: this.net.chaincodeSequence, version: '0.1.0' };
    this.session.progress(`installing sequence ${String(previous.sequence + 1)} on every peer`);
    await this.net.hold;
    this.net.chaincodeSequence += 1;
    this.session.progress('committed; probe transaction endorsed by every mall');
    const v = version ?? '0.1.0';
    return {
      previous,
      definition: {
        name: 'mallchain',
        version: v,
        sequence: this.net.chaincodeSequence,
        packageId: `mallchain_${v}:x`,
        label: `mallchain_${v}`,
      } as UpgradeResult['definition'],
    };
  }

  upgradeChaincode(opts: { version?: string } = {}): Promise<UpgradeResult> {
    return this.#run('upgradeChaincode', { version: opts.version ?? null }, () => this.#upgrade(opts.version));
  }

  setEndorsementPolicy(policy: string | null): Promise<UpgradeResult> {
    return this.#run('setEndorsementPolicy', { signaturePolicy: policy }, () => {
      if (policy !== null && !/^(AND|OR|OutOf)\(/.test(policy))
        throw new AdminError('INVALID_INPUT', `signature policy ${policy} must be AND(...), OR(...) or OutOf(n, ...)`);
      return this.#upgrade(undefined);
    });
  }

  listOrgs(): Promise<OrgIdentities[]> {
    return this.#run('listOrgs', {}, () =>
      this.net.malls.map((mspId) => ({ mspId, domain: `${mspId}.example.com`, admins: ['Admin'], identities: [] })),
    );
  }

  issueClientIdentity(mall: string, name: string): Promise<IdentitySummary> {
    return this.#run('issueClientIdentity', { mall, name }, () => {
      const key = `${mspIdOf(mall)}/${name}`;
      if (this.net.identities.has(key)) throw new AdminError('ALREADY_EXISTS', `identity ${name} already exists`);
      this.net.identities.add(key);
      return {
        name,
        mspDir: `/fake/${key}/msp`,
        revoked: false,
        commonName: `${name}@example.com`,
        organizationalUnits: ['client'],
        role: 'client',
        serial: '0A',
        notAfter: '2036-01-01',
        issuer: 'ca',
      };
    });
  }
}
