/** Records and keys of credential status: per issuer and list / batch, never a shared key. */
import { Context } from 'fabric-contract-api';
import { ChaincodeError, notFound } from '../common/errors';
import { requireOrgUser } from '../common/identity';
import { lastAtOrBefore } from '../common/clock';
import { getJson, key } from '../common/state';
import { DidProof, verifyDidSignature, getDid } from '../dids/did.store';
import { CHAINCODE_NAME } from '../dids/did.operation';

export const PURPOSES = ['revocation', 'suspension'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** One anchored version of a status list; `encodedList` is absent when only the digest was anchored. */
export interface StatusListVersion {
  issuer: string;
  listId: string;
  purpose: Purpose;
  version: number;
  /** SHA-256 hex of the UTF-8 bytes of `encodedList`. */
  digest: string;
  encodedList?: string;
  /** Number of entries, when the list itself is on the ledger. */
  length?: number;
  anchoredAt: string;
  txId: string;
}

export interface CredentialBatch {
  issuer: string;
  batchId: string;
  /** RFC 9162 Merkle tree head, hex. */
  root: string;
  size: number;
  anchoredAt: string;
  txId: string;
}

/** Key of the head (latest version, without the list) of a status list. */
export function listKey(ctx: Context, issuer: string, listId: string): string {
  return key(ctx, 'stl', issuer, listId);
}

const LIST_VERSION = 'stlv';

/** Key of one anchored version of a status list, zero-padded so versions sort in order. */
export function listVersionKey(ctx: Context, issuer: string, listId: string, version: number): string {
  return key(ctx, LIST_VERSION, issuer, listId, String(version).padStart(10, '0'));
}

/** Key of an anchored credential batch. */
export function batchKey(ctx: Context, issuer: string, batchId: string): string {
  return key(ctx, 'stb', issuer, batchId);
}

/** The head of a status list, if one was anchored. */
export async function getListHead(
  ctx: Context,
  issuer: string,
  listId: string,
): Promise<StatusListVersion | undefined> {
  return getJson<StatusListVersion>(ctx, listKey(ctx, issuer, listId));
}

/** The latest version of a list anchored at or before `atMs`; NOT_FOUND when there is none. */
export async function versionInForce(
  ctx: Context,
  issuer: string,
  listId: string,
  atMs: number,
): Promise<StatusListVersion> {
  const head = await getListHead(ctx, issuer, listId);
  if (!head) throw notFound('status list', `${listId} of ${issuer}`);
  // Anchor times increase per list, so the version in force is found by binary search over keys.
  const version = (v: number): Promise<StatusListVersion | undefined> =>
    getJson<StatusListVersion>(ctx, listVersionKey(ctx, issuer, listId, v));
  const index = await lastAtOrBefore(head.version, async (v) => {
    const record = await version(v);
    return record !== undefined && Date.parse(record.anchoredAt) <= atMs;
  });
  const inForce = index === 0 ? undefined : await version(index);
  if (!inForce) throw notFound('status list version', `of ${listId} at ${new Date(atMs).toISOString()}`);
  return inForce;
}

/** What the issuer signs (JCS) for each anchoring, bound to this channel and chaincode. */
export function issuerPayload(ctx: Context, op: 'anchorStatusList' | 'anchorCredentialBatch', body: object): object {
  return { op, channel: ctx.stub.getChannelID(), chaincode: CHAINCODE_NAME, ...body };
}

/**
 * The submitter must be an organisation user and, when the issuer DID belongs to an
 * organisation (a mall or merchant), of that organisation; the issuer must have signed
 * `payload` with an `assertionMethod` key.
 */
export async function authorizeIssuer(ctx: Context, issuer: string, payload: object, proof: DidProof): Promise<string> {
  const who = requireOrgUser(ctx);
  const record = await getDid(ctx, issuer);
  if (record?.ownerMsp !== undefined && record.ownerMsp !== who.mspId) {
    throw new ChaincodeError('AUTH_FORBIDDEN', `${issuer} belongs to ${record.ownerMsp}; caller is ${who.mspId}`);
  }
  await verifyDidSignature(ctx, issuer, payload, proof, 'assertionMethod');
  return who.mspId;
}
