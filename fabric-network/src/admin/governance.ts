/**
 * The multi-party flow for channel config changes: propose (compute the update), sign
 * (each admin with their own identity), check (evaluate the channel's policies locally),
 * submit (once enough admins signed).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { retry, run } from '../exec';
import { ordererArgs } from '../nodes';
import { certificateInfo, issuedByAny } from './certificate';
import { ChannelConfig, ConfigGroup, FabricMspConfig, cloneConfig } from './config-types';
import { analyzeUpdate, describeChanges } from './config-diff';
import { computeUpdate, decode, fetchConfig, updateEnvelope } from './configtxlator';
import { AdminContext, MspIdentity, cliEnv, withScratch } from './context';
import { AdminError } from './errors';
import { PolicyEvaluation, Role, describeMissing, evaluatePolicy } from './policy';
import { ConfigProposal, PROPOSAL_FORMAT, ProposalOperation, envelopeSigners } from './proposal';

/** Builds a proposal: `change` edits a copy of the channel's current config. */
export async function createProposal(
  ctx: AdminContext,
  channel: string,
  operation: ProposalOperation,
  createdBy: string,
  change: (config: ChannelConfig) => ChannelConfig,
): Promise<ConfigProposal> {
  const { config } = await fetchConfig(ctx, channel);
  const updated = change(cloneConfig(config));
  const update = await computeUpdate(ctx, channel, config, updated);
  const analysis = analyzeUpdate(config.channel_group, update);
  const envelope = await updateEnvelope(ctx, channel, update);
  return {
    format: PROPOSAL_FORMAT,
    id: randomUUID(),
    channel,
    operation,
    changes: describeChanges(config.channel_group, updated.channel_group),
    requiredPolicies: analysis.policies.map(
      (p) => `${p.policy}: ${evaluatePolicy(config.channel_group, p.policy, []).rule}`,
    ),
    baseSequence: Number(config.sequence),
    createdAt: new Date().toISOString(),
    createdBy,
    signatures: [],
    envelope: envelope.toString('base64'),
  };
}

function certificateOf(id: MspIdentity): string {
  const dir = join(id.mspDir, 'signcerts');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pem'));
  } catch {
    throw new AdminError('NOT_FOUND', `${id.mspDir} is not an MSP folder (no signcerts/)`);
  }
  const first = files[0];
  if (!first) throw new AdminError('NOT_FOUND', `no certificate in ${dir}`);
  return readFileSync(join(dir, first), 'utf8');
}

function refuseNonAdmin(mspId: string, pem: string): { subject: string; role: Role } {
  const info = certificateInfo(pem);
  if (info.role !== 'admin') {
    throw new AdminError(
      'NOT_ADMIN',
      `${info.commonName} (${mspId}) is not an admin: its certificate's NodeOU role is ${info.role}; only organisation admins may sign config updates`,
      { signer: `${info.commonName} (${mspId})` },
    );
  }
  return { subject: info.commonName, role: info.role };
}

/** Adds the signature of `id` (an admin's MSP folder) to the proposal's envelope. */
export async function signProposal(ctx: AdminContext, p: ConfigProposal, id: MspIdentity): Promise<ConfigProposal> {
  const pem = certificateOf(id);
  const who = refuseNonAdmin(id.mspId, pem);
  const existing = envelopeSigners(await decode(ctx, 'common.Envelope', Buffer.from(p.envelope, 'base64')));
  if (existing.some((s) => s.certificate.trim() === pem.trim()))
    throw new AdminError('ALREADY_EXISTS', `${who.subject} (${id.mspId}) has already signed proposal ${p.id}`);
  const envelope = await withScratch(async (dir) => {
    const file = join(dir, 'update.pb');
    writeFileSync(file, Buffer.from(p.envelope, 'base64'));
    await run(ctx.tools.bin('peer'), ['channel', 'signconfigtx', '-f', file], { env: cliEnv(ctx, id) });
    return readFileSync(file);
  });
  ctx.progress(`${who.subject} (${id.mspId}) signed proposal ${p.id}`);
  const signature = { mspId: id.mspId, subject: who.subject, role: who.role, signedAt: new Date().toISOString() };
  return { ...p, envelope: envelope.toString('base64'), signatures: [...p.signatures, signature] };
}

export interface SignerCheck {
  readonly mspId: string;
  readonly subject: string;
  readonly role: Role;
  /** Certificate issued by the CA that the channel config lists for that MSP. */
  readonly recognised: boolean;
}

export interface ProposalStatus {
  readonly proposal: ConfigProposal;
  readonly currentSequence: number;
  readonly stale: boolean;
  readonly signers: readonly SignerCheck[];
  readonly policies: readonly PolicyEvaluation[];
  /** True when nothing stops a submit: fresh, every signer an admin, every policy satisfied. */
  readonly ready: boolean;
}

function mspConfigs(root: ConfigGroup): Map<string, FabricMspConfig> {
  const out = new Map<string, FabricMspConfig>();
  for (const section of ['Application', 'Orderer']) {
    for (const org of Object.values(root.groups[section]?.groups ?? {})) {
      const msp = (org.values.MSP?.value as { config?: FabricMspConfig } | undefined)?.config;
      if (msp) out.set(msp.name, msp);
    }
  }
  return out;
}

function checkSigner(msps: Map<string, FabricMspConfig>, mspId: string, pem: string): SignerCheck {
  const info = certificateInfo(pem);
  const roots = (msps.get(mspId)?.root_certs ?? []).map((b) => Buffer.from(b, 'base64'));
  return { mspId, subject: info.commonName, role: info.role, recognised: issuedByAny(pem, roots) };
}

/** Evaluates a proposal against the channel as it is now; `submitter` counts as a signer. */
export async function proposalStatus(
  ctx: AdminContext,
  p: ConfigProposal,
  submitter?: MspIdentity,
): Promise<ProposalStatus> {
  const { config } = await fetchConfig(ctx, p.channel);
  const decoded = (await decode(ctx, 'common.Envelope', Buffer.from(p.envelope, 'base64'))) as {
    payload: { data: { config_update: Parameters<typeof analyzeUpdate>[1] } };
  };
  const msps = mspConfigs(config.channel_group);
  const found = envelopeSigners(decoded);
  if (submitter) found.push({ mspId: submitter.mspId, certificate: certificateOf(submitter) });
  const signers = found.map((s) => checkSigner(msps, s.mspId, s.certificate));
  const valid = signers.filter((s) => s.recognised);
  const analysis = analyzeUpdate(config.channel_group, decoded.payload.data.config_update);
  const policies = analysis.policies.map((x) => evaluatePolicy(config.channel_group, x.policy, valid));
  const currentSequence = Number(config.sequence);
  const stale = currentSequence !== p.baseSequence || analysis.stale.length > 0;
  const ready =
    !stale && signers.every((s) => s.recognised && s.role === 'admin') && policies.every((x) => x.satisfied);
  return { proposal: p, currentSequence, stale, signers, policies, ready };
}

/** The reason a status is not ready, as an error naming the signer or the missing organisations. */
export function refusal(s: ProposalStatus): AdminError | undefined {
  const p = s.proposal;
  if (s.stale) {
    return new AdminError(
      'STALE_PROPOSAL',
      `channel ${p.channel} changed since proposal ${p.id} was made (config sequence ${p.baseSequence} → ${s.currentSequence})`,
      { hint: 'create the proposal again and collect the signatures again' },
    );
  }
  const stranger = s.signers.find((x) => !x.recognised);
  if (stranger) {
    return new AdminError(
      'NOT_ADMIN',
      `the signature by ${stranger.subject} (${stranger.mspId}) is not from a certificate issued by ${stranger.mspId}'s CA in channel ${p.channel}`,
      { signer: `${stranger.subject} (${stranger.mspId})` },
    );
  }
  const nonAdmin = s.signers.find((x) => x.role !== 'admin');
  if (nonAdmin) {
    return new AdminError(
      'NOT_ADMIN',
      `the signature by ${nonAdmin.subject} (${nonAdmin.mspId}) does not count: its NodeOU role is ${nonAdmin.role}, not admin`,
      { signer: `${nonAdmin.subject} (${nonAdmin.mspId})`, hint: 'make the proposal again and have admins sign it' },
    );
  }
  const unmet = s.policies.filter((x) => !x.satisfied);
  if (unmet.length === 0) return undefined;
  const signed = [...new Set(s.signers.map((x) => x.mspId))].join(', ') || 'nobody';
  return new AdminError('SIGNATURES_MISSING', `${unmet.map(describeMissing).join('; ')} (signed by ${signed})`, {
    missing: [...new Set(unmet.flatMap((x) => x.missing))],
    hint: `each missing admin runs \`mallchain admin proposal sign <proposal> --org <MSP ID>\``,
  });
}

/** Sends a ready proposal to the orderer as `submitter` and waits until the channel has the new config. */
export async function submitProposal(
  ctx: AdminContext,
  p: ConfigProposal,
  submitter: MspIdentity,
): Promise<{ sequence: number; status: ProposalStatus }> {
  refuseNonAdmin(submitter.mspId, certificateOf(submitter));
  const status = await proposalStatus(ctx, p, submitter);
  const refused = refusal(status);
  if (refused) throw refused;
  await withScratch(async (dir) => {
    const file = join(dir, 'update.pb');
    writeFileSync(file, Buffer.from(p.envelope, 'base64'));
    await run(
      ctx.tools.bin('peer'),
      ['channel', 'update', '-f', file, '-c', p.channel, ...ordererArgs(ctx.paths, ctx.topology)],
      { env: cliEnv(ctx, submitter) },
    );
  });
  const sequence = await retry(async () => {
    const { config } = await fetchConfig(ctx, p.channel);
    const now = Number(config.sequence);
    if (now <= p.baseSequence) throw new AdminError('NOT_READY', `channel ${p.channel} has not applied the update yet`);
    return now;
  }, 30_000);
  ctx.progress(`channel ${p.channel} config is now at sequence ${sequence}`);
  return { sequence, status };
}
