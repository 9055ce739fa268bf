/**
 * Where a proposal stands against the channel as it is now: who signed (and whether their
 * certificates come from their MSP's CA), which policies the signatures satisfy, whether the
 * channel moved on since; and the refusal that explains why a submit would fail.
 */
import { issuedByAny, certificateInfo } from './certificate';
import { ConfigGroup, FabricMspConfig } from './config-types';
import { analyzeUpdate } from './config-diff';
import { decode, fetchConfig } from './configtxlator';
import { AdminContext, MspIdentity } from './context';
import { AdminError } from './errors';
import { PolicyEvaluation, Role, describeMissing, evaluatePolicy } from './policy';
import { ConfigProposal, envelopeSigners } from './proposal';
import { certificateOf } from './signer';

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
