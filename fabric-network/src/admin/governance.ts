/**
 * The multi-party flow for channel config changes: propose (compute the update), sign
 * (each admin with their own identity), check (evaluate the channel's policies locally),
 * submit (once enough admins signed). Where a proposal stands is proposal-status.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { retry, run } from '../exec';
import { ordererArgs } from '../nodes';
import { ChannelConfig, cloneConfig } from './config-types';
import { analyzeUpdate, describeChanges } from './config-diff';
import { computeUpdate, decode, fetchConfig, updateEnvelope } from './configtxlator';
import { AdminContext, MspIdentity, cliEnv, withScratch } from './context';
import { AdminError } from './errors';
import { evaluatePolicy } from './policy';
import { ConfigProposal, PROPOSAL_FORMAT, ProposalOperation, envelopeSigners } from './proposal';
import { ProposalStatus, proposalStatus, refusal } from './proposal-status';
import { certificateOf, refuseNonAdmin } from './signer';

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

/** Runs `fn` on the proposal's envelope written to a scratch file (the peer CLI signs and sends files). */
function withEnvelopeFile<T>(p: ConfigProposal, fn: (file: string) => Promise<T>): Promise<T> {
  return withScratch(async (dir) => {
    const file = join(dir, 'update.pb');
    writeFileSync(file, Buffer.from(p.envelope, 'base64'));
    return fn(file);
  });
}

/** Adds the signature of `id` (an admin's MSP folder) to the proposal's envelope. */
export async function signProposal(ctx: AdminContext, p: ConfigProposal, id: MspIdentity): Promise<ConfigProposal> {
  const pem = certificateOf(id);
  const who = refuseNonAdmin(id.mspId, pem);
  const existing = envelopeSigners(await decode(ctx, 'common.Envelope', Buffer.from(p.envelope, 'base64')));
  if (existing.some((s) => s.certificate.trim() === pem.trim()))
    throw new AdminError('ALREADY_EXISTS', `${who.subject} (${id.mspId}) has already signed proposal ${p.id}`);
  const envelope = await withEnvelopeFile(p, async (file) => {
    await run(ctx.tools.bin('peer'), ['channel', 'signconfigtx', '-f', file], { env: cliEnv(ctx, id) });
    return readFileSync(file);
  });
  ctx.progress(`${who.subject} (${id.mspId}) signed proposal ${p.id}`);
  const signature = { mspId: id.mspId, subject: who.subject, role: who.role, signedAt: new Date().toISOString() };
  return { ...p, envelope: envelope.toString('base64'), signatures: [...p.signatures, signature] };
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
  await withEnvelopeFile(p, (file) =>
    run(
      ctx.tools.bin('peer'),
      ['channel', 'update', '-f', file, '-c', p.channel, ...ordererArgs(ctx.paths, ctx.topology)],
      { env: cliEnv(ctx, submitter) },
    ),
  );
  const sequence = await retry(async () => {
    const { config } = await fetchConfig(ctx, p.channel);
    const now = Number(config.sequence);
    if (now <= p.baseSequence) throw new AdminError('NOT_READY', `channel ${p.channel} has not applied the update yet`);
    return now;
  }, 30_000);
  ctx.progress(`channel ${p.channel} config is now at sequence ${sequence}`);
  return { sequence, status };
}
