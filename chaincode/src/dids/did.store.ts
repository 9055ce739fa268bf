/**
 * Storage of DID documents and the signature check other contracts rely on.
 *
 * Shared API (used by the points and device contracts; keep it stable):
 *  - {@link getDid}: the current record of a DID;
 *  - {@link verifyDidSignature}: checks a signature by a key the DID lists under a
 *    verification relationship, over the canonical (JCS) bytes of a payload.
 * Storage: the current record at composite key `did` / [did]; every version at
 * `didv` / [did, zero-padded versionId].
 */
import { Context } from 'fabric-contract-api';
import { toBytes } from '../common/canonical';
import { ChaincodeError, notFound } from '../common/errors';
import { PublicJwk, verifySignature } from '../common/signature';
import { getJson, key } from '../common/state';

export type DidRole = 'member' | 'device' | 'merchant' | 'mall';

export interface VerificationMethod {
  id: string;
  type: 'JsonWebKey2020';
  controller: string;
  publicKeyJwk: PublicJwk;
}

export interface ServiceEndpoint {
  id: string;
  type: string;
  serviceEndpoint: string;
}

export interface DidDocument {
  '@context': string[];
  id: string;
  controller?: string[];
  verificationMethod: VerificationMethod[];
  authentication: string[];
  assertionMethod?: string[];
  capabilityInvocation?: string[];
  service?: ServiceEndpoint[];
}

export type Relationship = 'authentication' | 'assertionMethod' | 'capabilityInvocation';

export interface DidRecord {
  did: string;
  role: DidRole;
  document: DidDocument;
  versionId: number;
  created: string;
  updated: string;
  deactivated: boolean;
  /** MSP of the organisation that submitted the creation. */
  anchoredBy: string;
  /**
   * Organisation that owns the DID (merchant, device and mall DIDs): only its identities may
   * submit updates. Absent for members, who may move between malls.
   */
  ownerMsp?: string;
  /** Transaction that wrote this version. */
  txId?: string;
}

/** A signature over a payload by one of a DID's keys. */
export interface DidProof {
  /** Full verification method id, e.g. `did:mallchain:abc#key-1`. */
  kid: string;
  /** base64url signature (ES256: raw r||s). */
  signature: string;
}

/** Key of the current record of a DID. */
export function didKey(ctx: Context, did: string): string {
  return key(ctx, 'did', did);
}

/** Key of one version of a DID, zero-padded so versions sort in order. */
export function didVersionKey(ctx: Context, did: string, versionId: number): string {
  return key(ctx, 'didv', did, String(versionId).padStart(10, '0'));
}

/** The current record of a DID, if it was ever created (deactivated ones included). */
export async function getDid(ctx: Context, did: string): Promise<DidRecord | undefined> {
  return getJson<DidRecord>(ctx, didKey(ctx, did));
}

/**
 * Throws `AUTH_SIGNATURE` unless `proof` is a valid signature over JCS(`payload`) by a key
 * that the DID's current, non-deactivated document lists under `relationship`.
 */
export async function verifyDidSignature(
  ctx: Context,
  did: string,
  payload: unknown,
  proof: DidProof,
  relationship: Relationship = 'authentication',
): Promise<void> {
  const record = await getDid(ctx, did);
  if (!record) throw notFound('DID', did);
  if (record.deactivated) throw new ChaincodeError('AUTH_SIGNATURE', `${did} is deactivated`);
  const allowed = record.document[relationship] ?? [];
  if (!proof.kid.startsWith(`${did}#`) || !allowed.includes(proof.kid)) {
    throw new ChaincodeError('AUTH_SIGNATURE', `${proof.kid} is not a ${relationship} key of ${did}`);
  }
  const method = record.document.verificationMethod.find((m) => m.id === proof.kid);
  if (!method) throw new ChaincodeError('AUTH_SIGNATURE', `${proof.kid} is not in ${did}'s document`);
  if (!verifySignature(method.publicKeyJwk, toBytes(payload), proof.signature)) {
    throw new ChaincodeError('AUTH_SIGNATURE', `signature by ${proof.kid} does not verify`);
  }
}

/** One stored version of a DID (a key read, never a scan of the history). */
export async function getDidVersion(ctx: Context, did: string, versionId: number): Promise<DidRecord | undefined> {
  return getJson<DidRecord>(ctx, didVersionKey(ctx, did, versionId));
}

/**
 * Keys that control the DID (may sign create / update / deactivate): those listed under
 * `capabilityInvocation` when the document has any, otherwise those under `authentication`.
 */
export function controllerKeyIds(document: DidDocument): string[] {
  const invocation = document.capabilityInvocation ?? [];
  return invocation.length > 0 ? invocation : document.authentication;
}
