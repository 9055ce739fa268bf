/**
 * Chaincode lifecycle across the consortium: state per org, upgrade to a new sequence (and
 * version), endorsement policy change. The new sequence gets its own CCaaS server (blue);
 * the previous one (green) stops once the new definition has served a transaction.
 */
import { deploy, putNoteEndorsedByAll, queryCommitted } from '../chaincode';
import { ChaincodeDefinition, Committed, readDefinition } from '../chaincode-definition';
import { sourceDigest, sourceVersion, stopServer } from '../chaincode-server';
import { describe, writeDescription } from '../description';
import { run } from '../exec';
import { peerAdminEnv } from '../nodes';
import { MallOrg } from '../topology';
import { AdminContext, onChannel } from './context';
import { AdminError } from './errors';

export interface OrgChaincodeState {
  readonly mspId: string;
  readonly installed: readonly { packageId: string; label: string }[];
  /** Latest definition this org approved, if any. */
  readonly approved: { sequence: number; version: string; packageId: string } | null;
}

export interface ChaincodeStatus {
  readonly channel: string;
  readonly name: string;
  readonly committed: Committed | null;
  readonly orgs: readonly OrgChaincodeState[];
}

async function peerJson(ctx: AdminContext, m: MallOrg, args: string[]): Promise<unknown> {
  const { stdout } = await run(ctx.tools.bin('peer'), args, { env: peerAdminEnv(ctx.tools, ctx.paths, m) });
  return JSON.parse(stdout || '{}') as unknown;
}

/**
 * The definition `m` approved on `channel` at `sequence` (its latest approval when omitted),
 * or null when it approved none. `m` need not be recorded in the network yet (onboarding).
 */
export async function approvedFor(
  ctx: AdminContext,
  m: MallOrg,
  channel: string,
  name: string,
  sequence?: number,
): Promise<OrgChaincodeState['approved']> {
  const args = ['lifecycle', 'chaincode', 'queryapproved', '-C', channel, '-n', name, '-O', 'json'];
  if (sequence !== undefined) args.push('--sequence', String(sequence));
  try {
    const body = (await peerJson(ctx, m, args)) as {
      sequence: number;
      version: string;
      source?: { Type?: { LocalPackage?: { package_id?: string } } };
    };
    return {
      sequence: body.sequence,
      version: body.version,
      packageId: body.source?.Type?.LocalPackage?.package_id ?? '',
    };
  } catch (e) {
    if (/not found|does not exist|could not fetch/i.test((e as Error).message)) return null;
    throw e;
  }
}

/**
 * Whether an org's approval already is `def` (same sequence and package). Approving it again
 * would write nothing to the org's implicit collection, and a _lifecycle transaction without
 * writes is validated against the channel-wide LifecycleEndorsement policy, which the org's
 * own peer alone cannot satisfy: ENDORSEMENT_POLICY_FAILURE.
 */
export function alreadyApproved(
  approved: OrgChaincodeState['approved'],
  def: Pick<ChaincodeDefinition, 'sequence' | 'packageId'>,
): boolean {
  return approved !== null && approved.sequence === def.sequence && approved.packageId === def.packageId;
}

/** Installed packages, approved and committed definitions for every mall of the network. */
export async function chaincodeStatus(ctx: AdminContext, channel: string): Promise<ChaincodeStatus> {
  const name = ctx.settings.chaincodeName;
  const first = ctx.topology.malls[0];
  if (!first) throw new AdminError('NOT_FOUND', 'the network has no mall');
  const committed = (await queryCommitted(onChannel(ctx, channel), first, name)) ?? null;
  const orgs: OrgChaincodeState[] = [];
  for (const m of ctx.topology.malls) {
    const inst = (await peerJson(ctx, m, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'])) as {
      installed_chaincodes?: { package_id: string; label: string }[];
    };
    orgs.push({
      mspId: m.mspId,
      installed: (inst.installed_chaincodes ?? []).map((c) => ({ packageId: c.package_id, label: c.label })),
      approved: await approvedFor(ctx, m, channel, name),
    });
  }
  return { channel, name, committed, orgs };
}

const PRINCIPAL = /'([A-Za-z0-9.-]+)\.(member|admin|client|peer|orderer)'/g;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Refuses a signature policy that is not AND/OR/OutOf over principals of this network's malls. */
export function validateSignaturePolicy(policy: string, mspIds: readonly string[]): void {
  if (!/^(AND|OR|OutOf)\(.*\)$/.test(policy.trim()))
    throw new AdminError('INVALID_INPUT', `signature policy ${policy} must be AND(...), OR(...) or OutOf(n, ...)`);
  const principals = [...policy.matchAll(PRINCIPAL)];
  if (principals.length === 0)
    throw new AdminError('INVALID_INPUT', `signature policy ${policy} names no principal such as 'MallAMSP.peer'`);
  const unknown = principals.map((p) => p[1] ?? '').filter((id) => !mspIds.includes(id));
  if (unknown.length > 0)
    throw new AdminError(
      'INVALID_INPUT',
      `signature policy ${policy} names ${[...new Set(unknown)].join(', ')}, not a mall of the channel (${mspIds.join(', ')})`,
    );
}

export interface UpgradeOptions {
  /** Defaults to the version in chaincode/package.json. */
  readonly version?: string;
  /** A signature policy; null returns to the channel default; undefined keeps the current one. */
  readonly signaturePolicy?: string | null;
}

export interface UpgradeResult {
  readonly previous: { sequence: number; version: string };
  readonly definition: ChaincodeDefinition;
}

/** New sequence: package, install everywhere, every mall approves, readiness check, commit. */
export async function upgradeChaincode(ctx: AdminContext, opts: UpgradeOptions): Promise<UpgradeResult> {
  const channel = ctx.settings.channel;
  const first = ctx.topology.malls[0];
  if (!first) throw new AdminError('NOT_FOUND', 'the network has no mall');
  const version = opts.version ?? sourceVersion();
  if (!VERSION.test(version))
    throw new AdminError('INVALID_INPUT', `version ${version} must be letters, digits, dots, dashes (at most 64)`);
  const committed = await queryCommitted(onChannel(ctx, channel), first, ctx.settings.chaincodeName);
  if (!committed)
    throw new AdminError(
      'NOT_FOUND',
      `chaincode ${ctx.settings.chaincodeName} is not committed on ${channel}: run \`mallchain up\` first`,
    );
  const recorded = readDefinition(ctx.paths);
  const signaturePolicy =
    opts.signaturePolicy === undefined ? recorded?.signaturePolicy : (opts.signaturePolicy ?? undefined);
  if (signaturePolicy)
    validateSignaturePolicy(
      signaturePolicy,
      ctx.topology.malls.map((m) => m.mspId),
    );
  const def = await deploy(onChannel(ctx, channel), {
    name: ctx.settings.chaincodeName,
    version,
    sequence: committed.sequence + 1,
    signaturePolicy,
    codeDigest: sourceDigest(),
  });
  const note = { id: `upgrade-${def.sequence}`, text: `upgraded to ${def.label}` };
  await putNoteEndorsedByAll(onChannel(ctx, channel), def.name, note);
  ctx.progress(`sequence ${def.sequence} served a transaction endorsed by every mall`);
  if (await stopServerOf(ctx, committed.sequence))
    ctx.progress(`stopped the chaincode server of sequence ${committed.sequence}`);
  writeDescription(ctx.paths, describe(onChannel(ctx, channel), def));
  return { previous: { sequence: committed.sequence, version: committed.version }, definition: def };
}

async function stopServerOf(ctx: AdminContext, sequence: number): Promise<boolean> {
  // Sequences share a port every 16 upgrades (CHAINCODE_PORTS_PER_MALL); never stop the one that now serves.
  const recorded = readDefinition(ctx.paths);
  if (recorded?.sequence === sequence) return false;
  await stopServer(ctx.paths, sequence);
  return true;
}
