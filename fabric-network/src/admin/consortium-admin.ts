/**
 * The programmatic admin API: one class that the CLI and the middleware's admin endpoints
 * call. Every method reports steps to `progress`, hands one {@link AuditRecord} to `audit`,
 * and refuses bad requests with an {@link AdminError} whose code is stable.
 *
 * @example
 * const admin = new ConsortiumAdmin({ settings: settingsFromEnv(), actor: 'ops@mall-a' });
 * let p = await admin.proposeAddMall('MallC');
 * p = await admin.signProposal(p, 'MallAMSP');
 * p = await admin.signProposal(p, 'MallBMSP');
 * await admin.submitProposal(p, 'MallAMSP'); // MallC's peer is started, joined, approves
 */
import { userInfo } from 'node:os';
import { FabricTools, ensureFabric } from '../fabric';
import { Network } from '../network';
import { Progress, silent } from '../progress';
import { NetworkSettings, readState } from '../settings';
import { AuditSink, audited } from './audit';
import { BatchParams, applyBatchParams } from './channel-params';
import { ChannelListing, ChannelSummary, createChannel, listChannels, showChannel } from './channels';
import { AdminContext, MspIdentity, memberMall, orgAdmin } from './context';
import { AdminError } from './errors';
import { createProposal, signProposal, submitProposal } from './governance';
import { IdentitySummary, OrgIdentities, issueClientIdentity, orgIdentities, revokeChange } from './identities';
import { ChaincodeStatus, UpgradeOptions, UpgradeResult, chaincodeStatus, upgradeChaincode } from './lifecycle';
import { addMallChange, onboardMall, removeMallChange, retireMall } from './malls';
import { ConfigProposal } from './proposal';
import { ProposalStatus, proposalStatus } from './proposal-status';

export interface ConsortiumAdminOptions {
  readonly settings: NetworkSettings;
  readonly progress?: Progress;
  /** Receives one record per operation (the middleware writes it to its audit log). */
  readonly audit?: AuditSink;
  /** Who acts, for the audit record; defaults to the OS user. */
  readonly actor?: string;
}

/** An MSP ID (that org's admin in this network's crypto folder) or an explicit MSP folder. */
export type SignerRef = string | MspIdentity;

export interface SubmitResult {
  readonly proposalId: string;
  readonly channel: string;
  readonly sequence: number;
  /** Steps done after the config changed (peer started and joined, chaincode approved...). */
  readonly followUp: readonly string[];
}

export class ConsortiumAdmin {
  readonly #settings: NetworkSettings;
  readonly #progress: Progress;
  readonly #audit: AuditSink;
  readonly #actor: string;
  #tools: FabricTools | undefined;

  constructor(options: Readonly<ConsortiumAdminOptions>) {
    this.#settings = options.settings;
    this.#progress = options.progress ?? silent;
    this.#audit = options.audit ?? (() => undefined);
    this.#actor = options.actor ?? userInfo().username;
  }

  /** Fresh context per call: state.json changes when malls are added or removed. */
  async #context(): Promise<AdminContext> {
    this.#tools ??= await ensureFabric(silent);
    const network = new Network(this.#settings, this.#progress);
    const state = readState(network.paths);
    if (!state) {
      throw new AdminError('NOT_FOUND', `no network in ${network.paths.home}`, {
        hint: 'start it with `mallchain up` (same MALLCHAIN_* settings)',
      });
    }
    return {
      tools: this.#tools,
      paths: network.paths,
      settings: this.#settings,
      state,
      topology: network.topology(state),
      progress: this.#progress,
    };
  }

  #run<T>(
    operation: string,
    target: Record<string, string | number | boolean | null>,
    fn: (ctx: AdminContext) => Promise<T>,
    outcome?: (v: T) => Record<string, string | number | boolean | null>,
  ): Promise<T> {
    return audited(this.#actor, this.#audit, {
      operation,
      target,
      run: async () => fn(await this.#context()),
      outcome,
    });
  }

  #channel(channel?: string): string {
    return channel ?? this.#settings.channel;
  }

  #signer(ctx: AdminContext, ref: SignerRef): MspIdentity {
    return typeof ref === 'string' ? orgAdmin(ctx, ref) : ref;
  }

  listChannels(): Promise<ChannelListing[]> {
    return this.#run('channel.list', {}, listChannels, (l) => ({ channels: l.length }));
  }

  showChannel(channel?: string): Promise<ChannelSummary> {
    const ch = this.#channel(channel);
    return this.#run('channel.show', { channel: ch }, (ctx) => showChannel(ctx, ch));
  }

  createChannel(name: string, malls: readonly string[]): Promise<ChannelSummary> {
    return this.#run('channel.create', { channel: name, malls: malls.join(',') }, (ctx) =>
      createChannel(ctx, name, malls),
    );
  }

  proposeAddMall(mall: string, opts: { channel?: string; mspDir?: string } = {}): Promise<ConfigProposal> {
    const channel = this.#channel(opts.channel);
    return this.#run(
      'mall.propose-add',
      { channel, mall },
      async (ctx) => {
        const { mall: m, change } = await addMallChange(ctx, channel, mall, opts.mspDir);
        const op = { kind: 'add-mall' as const, mspId: m.mspId, anchorPeer: `127.0.0.1:${m.peer.port}` };
        return createProposal(ctx, channel, op, this.#actor, change);
      },
      (p) => ({ proposal: p.id }),
    );
  }

  proposeRemoveMall(mall: string, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    const channel = this.#channel(opts.channel);
    return this.#run(
      'mall.propose-remove',
      { channel, mall },
      async (ctx) => {
        const { mall: m, change } = await removeMallChange(ctx, channel, mall);
        return createProposal(ctx, channel, { kind: 'remove-mall', mspId: m.mspId }, this.#actor, change);
      },
      (p) => ({ proposal: p.id }),
    );
  }

  proposeChannelParams(params: BatchParams, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    const channel = this.#channel(opts.channel);
    return this.#run(
      'channel.propose-params',
      { channel, params: JSON.stringify(params) },
      (ctx) =>
        createProposal(ctx, channel, { kind: 'channel-params', ...params }, this.#actor, (c) =>
          applyBatchParams(c, params),
        ),
      (p) => ({ proposal: p.id }),
    );
  }

  proposeRevokeIdentity(mall: string, identity: string, opts: { channel?: string } = {}): Promise<ConfigProposal> {
    const channel = this.#channel(opts.channel);
    return this.#run(
      'identity.propose-revoke',
      { channel, mall, identity },
      async (ctx) => {
        const r = await revokeChange(ctx, mall, identity);
        const op = {
          kind: 'revoke-identity' as const,
          mspId: memberMall(ctx, mall).mspId,
          identity: r.identity,
          serial: r.serial,
        };
        return createProposal(ctx, channel, op, this.#actor, r.change);
      },
      (p) => ({ proposal: p.id }),
    );
  }

  /** Adds `signer`'s signature (an admin; anyone else is refused naming them). */
  signProposal(p: ConfigProposal, signer: SignerRef): Promise<ConfigProposal> {
    const who = typeof signer === 'string' ? signer : signer.mspId;
    return this.#run('proposal.sign', { proposal: p.id, channel: p.channel, signer: who }, (ctx) =>
      signProposal(ctx, p, this.#signer(ctx, signer)),
    );
  }

  /** Signatures, policies and whether a submit would be accepted (`submitter` counts as a signer). */
  proposalStatus(p: ConfigProposal, submitter?: SignerRef): Promise<ProposalStatus> {
    return this.#run('proposal.status', { proposal: p.id, channel: p.channel }, (ctx) =>
      proposalStatus(ctx, p, submitter === undefined ? undefined : this.#signer(ctx, submitter)),
    );
  }

  /**
   * Submits a proposal once its signatures satisfy the channel's policies (refused otherwise,
   * naming whose signatures are missing), then runs what the change implies locally.
   */
  submitProposal(p: ConfigProposal, submitter: SignerRef): Promise<SubmitResult> {
    const who = typeof submitter === 'string' ? submitter : submitter.mspId;
    return this.#run(
      'proposal.submit',
      { proposal: p.id, channel: p.channel, kind: p.operation.kind, submitter: who },
      async (ctx) => {
        const { sequence } = await submitProposal(ctx, p, this.#signer(ctx, submitter));
        const followUp = await this.#followUp(p);
        return { proposalId: p.id, channel: p.channel, sequence, followUp };
      },
      (r) => ({ sequence: r.sequence }),
    );
  }

  async #followUp(p: ConfigProposal): Promise<string[]> {
    const op = p.operation;
    if (op.kind === 'add-mall') {
      const m = await onboardMall(await this.#context(), p.channel, op.mspId);
      return [`${m.peer.host} started and joined ${p.channel}`];
    }
    if (op.kind === 'remove-mall' && p.channel === this.#settings.channel) {
      const m = await retireMall(await this.#context(), op.mspId);
      return [`${m.peer.host} stopped; ${m.mspId} removed from the network record`];
    }
    return [];
  }

  /** Starts, joins and approves for a mall the channel already admitted (repeatable). */
  onboardMall(mall: string, channel?: string): Promise<string> {
    const ch = this.#channel(channel);
    return this.#run('mall.onboard', { channel: ch, mall }, async (ctx) => (await onboardMall(ctx, ch, mall)).mspId);
  }

  chaincodeStatus(channel?: string): Promise<ChaincodeStatus> {
    const ch = this.#channel(channel);
    return this.#run('chaincode.status', { channel: ch }, (ctx) => chaincodeStatus(ctx, ch));
  }

  upgradeChaincode(opts: UpgradeOptions = {}): Promise<UpgradeResult> {
    return this.#run(
      'chaincode.upgrade',
      { version: opts.version ?? null, signaturePolicy: opts.signaturePolicy ?? null },
      (ctx) => upgradeChaincode(ctx, opts),
      (r) => ({ sequence: r.definition.sequence, version: r.definition.version }),
    );
  }

  /** A new sequence with `policy` (a signature policy), or null for the channel default. */
  setEndorsementPolicy(policy: string | null): Promise<UpgradeResult> {
    return this.#run(
      'chaincode.endorsement-policy',
      { signaturePolicy: policy },
      (ctx) => upgradeChaincode(ctx, { signaturePolicy: policy, version: undefined }),
      (r) => ({ sequence: r.definition.sequence }),
    );
  }

  listOrgs(): Promise<OrgIdentities[]> {
    return this.#run('org.list', {}, (ctx) =>
      Promise.resolve(ctx.topology.malls.map((m) => orgIdentities(ctx, m.mspId))),
    );
  }

  issueClientIdentity(mall: string, name: string): Promise<IdentitySummary> {
    return this.#run(
      'identity.issue',
      { mall, name },
      (ctx) => issueClientIdentity(ctx, mall, name),
      (i) => ({
        identity: i.name,
        serial: i.serial,
      }),
    );
  }
}
