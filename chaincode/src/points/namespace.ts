/**
 * ID namespaces: protection of program and merchant IDs against squatting across malls.
 *
 * IDs stay first-come (an ID names one record, and only its mall may change it), but an ID's
 * leading segment — the text before its first `-`, `.`, `_`, `:`, `@` or `/`, compared
 * case-insensitively — is its *namespace* (`mallA-points` and `MALLA.cinema` are in `malla`;
 * an ID without a separator has none). A mall admin claims a namespace with `ClaimNamespace`;
 * from then on no other mall registers an ID in it (`POINTS_NAMESPACE_HELD`), while IDs that
 * were registered in it before stay with their mall. A claim is refused when another mall
 * holds the namespace or has registered IDs in it — except the claimant's *own* namespace,
 * its MSP ID without the `MSP` suffix (`MallAMSP` → `malla`), which it may always claim, also
 * from a squatter (whose existing IDs stay his, but who adds none). Unclaimed namespaces and
 * flat IDs behave as before, so no existing caller or record changes.
 */
import { txTimeIso } from '../common/clock';
import { caller, requireAdminOf } from '../common/identity';
import { MallContext, getJson, key, listByPrefix, put } from '../common/state';
import { Fields, str } from '../common/validate';
import { K, Merchant, Program, pointsError } from './model';

/** A claimed namespace (`pns` / namespace). */
export interface NamespaceClaim {
  namespace: string;
  mall: string;
  claimedAt: string;
  /** The mall that held it before, when its owner took it back. */
  takenFrom?: string;
  txId: string;
}

const SEPARATOR = /[-._:@/]/;
const NAMESPACE_RULE = {
  min: 2,
  max: 40,
  pattern: /^[A-Za-z0-9]+$/,
  patternHint: 'may contain only letters and digits',
};

/** The namespace of an ID (lower case), or undefined for an ID without a separator. */
export function namespaceOf(id: string): string | undefined {
  const at = id.search(SEPARATOR);
  return at <= 0 ? undefined : id.slice(0, at).toLowerCase();
}

/** A mall's own namespace: its MSP ID without the `MSP` suffix, letters and digits only, lower case. */
export function ownNamespace(mspId: string): string {
  return mspId
    .replace(/msp$/i, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

const namespaceKey = (ctx: MallContext, namespace: string): string => key(ctx, K.namespace, namespace);

/** The claim of a namespace, or undefined. */
export function getNamespace(ctx: MallContext, namespace: string): Promise<NamespaceClaim | undefined> {
  return getJson<NamespaceClaim>(ctx, namespaceKey(ctx, namespace.toLowerCase()));
}

/**
 * Refuses an ID (of a program or merchant about to be registered by `mspId`) that lies in a
 * namespace another mall holds. Registering reads the claim key, so a claim committed between
 * endorsement and commit invalidates the registration (MVCC), and the other way round.
 */
export async function requireFreeNamespace(ctx: MallContext, field: string, id: string, mspId: string): Promise<void> {
  const ns = namespaceOf(id);
  if (ns === undefined) return;
  const claim = await getNamespace(ctx, ns);
  if (claim && claim.mall !== mspId) {
    throw pointsError('POINTS_NAMESPACE_HELD', `${field} ${id} lies in the namespace ${ns}, held by ${claim.mall}`);
  }
}

/** `{ namespace }`: 2..40 letters and digits, stored in lower case. */
export const namespaceRequestOf = (f: Fields): string => str(f, 'namespace', NAMESPACE_RULE).toLowerCase();

/**
 * A mall admin claims a namespace (see the module comment). Claiming one the caller already
 * holds answers the existing claim and writes nothing. Reads every program and merchant
 * (bounded: LIMIT_EXCEEDED past the bound, never a partial check); the range read makes a
 * registration in the namespace committed meanwhile invalidate the claim.
 */
export async function claimNamespace(ctx: MallContext, namespace: string): Promise<NamespaceClaim> {
  const who = caller(ctx);
  requireAdminOf(ctx, who.mspId);
  const held = await getNamespace(ctx, namespace);
  if (held?.mall === who.mspId) return held;
  const own = ownNamespace(who.mspId) === namespace;
  if (held && !own) {
    throw pointsError('POINTS_NAMESPACE_HELD', `the namespace ${namespace} is held by ${held.mall}`);
  }
  if (!own) await requireUnusedByOthers(ctx, namespace, who.mspId);
  const claim: NamespaceClaim = {
    namespace,
    mall: who.mspId,
    claimedAt: txTimeIso(ctx),
    ...(held ? { takenFrom: held.mall } : {}),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'namespace', namespaceKey(ctx, namespace), claim);
  return claim;
}

/** Another mall's program or merchant in the namespace refuses the claim (it may not fence them out). */
async function requireUnusedByOthers(ctx: MallContext, namespace: string, mspId: string): Promise<void> {
  const programs = await listByPrefix<Program>(ctx, K.program, [], 'programs');
  const p = programs.find((r) => namespaceOf(r.value.programId) === namespace && r.value.issuer !== mspId);
  if (p) {
    throw pointsError(
      'POINTS_NAMESPACE_HELD',
      `${p.value.issuer} already uses the namespace ${namespace} (program ${p.value.programId})`,
    );
  }
  const merchants = await listByPrefix<Merchant>(ctx, K.merchant, [], 'merchants');
  const m = merchants.find((r) => namespaceOf(r.value.merchantId) === namespace && r.value.mall !== mspId);
  if (m) {
    throw pointsError(
      'POINTS_NAMESPACE_HELD',
      `${m.value.mall} already uses the namespace ${namespace} (merchant ${m.value.merchantId})`,
    );
  }
}
