/**
 * Request builders for the real network, following docs/did-method.md, docs/points.md and
 * docs/devices.md: what each signer signs and how the signed request is sent.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ChainKey, sha256Hex } from './chain-keys';

export const CHAINCODE = 'mallchain';

// ---------- DIDs ----------

export type DidRole = 'member' | 'merchant' | 'device' | 'mall';

/** A DID document listing `keys` as methods `#key-<n>`; the first one controls the DID. */
export function didDocument(did: string, keys: { fragment: string; key: ChainKey }[]): Record<string, unknown> {
  const methods = keys.map(({ fragment, key }) => ({
    id: `${did}#${fragment}`,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: key.jwk,
  }));
  const controller = methods[0]?.id;
  if (!controller) throw new Error('a DID document needs at least one key');
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: methods,
    authentication: methods.map((m) => m.id),
    assertionMethod: [controller],
    capabilityInvocation: [controller],
  };
}

function didOperation(
  channel: string,
  op: 'create' | 'update' | 'deactivate',
  did: string,
  previousVersionId: string | null,
  extra: { role?: DidRole; document?: unknown } = {},
): Record<string, unknown> {
  return { op, channel, chaincode: CHAINCODE, did, previousVersionId, ...extra };
}

/** dids:CreateDid for the DID derived from `key`, signed by it. */
export function createDid(channel: string, key: ChainKey, role: DidRole = 'member'): Record<string, unknown> {
  return createDidAs(channel, key.did, key, role);
}

/** dids:CreateDid for `did` with `key` as its controller: only valid when `did` derives from `key`. */
export function createDidAs(
  channel: string,
  did: string,
  key: ChainKey,
  role: DidRole = 'member',
): Record<string, unknown> {
  const document = didDocument(did, [{ fragment: 'key-1', key }]);
  const signature = key.sign(didOperation(channel, 'create', did, null, { role, document }));
  return { role, document, proof: { kid: `${did}#key-1`, signature } };
}

/** dids:UpdateDid replacing `previousVersionId` with `document`, signed by `signer` as `kid`. */
export function updateDid(
  channel: string,
  did: string,
  previousVersionId: string,
  document: unknown,
  signer: ChainKey,
  kid: string,
): Record<string, unknown> {
  const signature = signer.sign(didOperation(channel, 'update', did, previousVersionId, { document }));
  return { did, previousVersionId, document, proof: { kid, signature } };
}

export function deactivateDid(
  channel: string,
  did: string,
  previousVersionId: string,
  signer: ChainKey,
  kid: string,
): Record<string, unknown> {
  const signature = signer.sign(didOperation(channel, 'deactivate', did, previousVersionId));
  return { did, previousVersionId, proof: { kid, signature } };
}

// ---------- points ----------

export interface RedeemTerms {
  merchant: string;
  ref: string;
  member: string;
  programId: string;
  amount: number;
  nonce: string;
  deadline: string;
}

/** points:Redeem with the member's consent over the exact terms (signed by `signer`, default the member key). */
export function redeemWithConsent(
  channel: string,
  terms: RedeemTerms,
  memberKey: ChainKey,
  signer: ChainKey = memberKey,
): Record<string, unknown> {
  const { ref, ...rest } = terms;
  const signed = {
    action: 'points.redeem',
    amount: rest.amount,
    chaincode: CHAINCODE,
    channel,
    deadline: rest.deadline,
    member: rest.member,
    merchant: rest.merchant,
    nonce: rest.nonce,
    programId: rest.programId,
  };
  return { ...rest, ref, consent: { kid: `${memberKey.did}#key-1`, signature: signer.sign(signed) } };
}

// ---------- devices ----------

export function registerDevice(
  channel: string,
  key: ChainKey,
  ownerMsp: string,
  location: Record<string, string>,
): Record<string, unknown> {
  const kid = `${key.did}#key-1`;
  const signature = key.sign({ op: 'registerDevice', channel, chaincode: CHAINCODE, did: key.did, kid, ownerMsp });
  return {
    did: key.did,
    type: 'people_counter',
    model: 'PC-3000',
    firmwareDigest: sha256Hex('people counter firmware 1.2.0'),
    location,
    publicKeyJwk: key.jwk,
    proof: { signature },
  };
}

/** devices:RotateDeviceKey: the new key proves possession for slot `#key-<keyNumber>`. */
export function rotateDeviceKey(
  channel: string,
  deviceDid: string,
  newKey: ChainKey,
  keyNumber: number,
  ownerMsp: string,
): Record<string, unknown> {
  const kid = `${deviceDid}#key-${keyNumber}`;
  const signature = newKey.sign({
    op: 'rotateDeviceKey',
    channel,
    chaincode: CHAINCODE,
    did: deviceDid,
    kid,
    ownerMsp,
  });
  return { did: deviceDid, publicKeyJwk: newKey.jwk, proof: { signature } };
}

export interface Statement {
  deviceDid: string;
  seq: number;
  periodStart: string;
  periodEnd: string;
  kind: string;
  digest: string;
  count: number;
  summary: Record<string, unknown>;
  channel: string;
}

/** A traffic statement over `records`: digest = SHA-256 hex of their JCS, as the middleware computes it. */
export function trafficStatement(
  channel: string,
  deviceDid: string,
  seq: number,
  period: { start: string; end: string },
  recordsJcs: string,
  summary: Record<string, unknown>,
  count: number,
): Statement {
  return {
    deviceDid,
    seq,
    periodStart: period.start,
    periodEnd: period.end,
    kind: 'traffic',
    digest: sha256Hex(recordsJcs),
    count,
    summary,
    channel,
  };
}

/** One SubmitAttestations entry: the statement signed by `key` as `<deviceDid>#<fragment>`. */
export function attestation(statement: Statement, key: ChainKey, fragment = 'key-1'): Record<string, unknown> {
  return { statement, kid: `${statement.deviceDid}#${fragment}`, signature: key.sign(statement) };
}

// ---------- credential status ----------

/** Multibase base64url GZIP bitstring (VC Bitstring Status List), `bytes` long, with `set` bits on. */
export function encodedStatusList(bytes: number, set: number[]): string {
  const bits = Buffer.alloc(bytes);
  for (const i of set) {
    const at = Math.floor(i / 8);
    bits[at] = (bits[at] ?? 0) | (0x80 >> (i % 8));
  }
  return `u${gzipSync(bits).toString('base64url')}`;
}

export function anchorStatusList(
  channel: string,
  issuer: ChainKey,
  listId: string,
  version: number,
  encodedList: string,
): Record<string, unknown> {
  const digest = sha256Hex(encodedList);
  const signed = {
    op: 'anchorStatusList',
    channel,
    chaincode: CHAINCODE,
    issuer: issuer.did,
    listId,
    purpose: 'revocation',
    version,
    digest,
  };
  return {
    issuer: issuer.did,
    listId,
    purpose: 'revocation',
    version,
    digest,
    encodedList,
    proof: { kid: `${issuer.did}#key-1`, signature: issuer.sign(signed) },
  };
}

export function anchorCredentialBatch(
  channel: string,
  issuer: ChainKey,
  batchId: string,
  root: string,
  size: number,
): Record<string, unknown> {
  const signed = {
    op: 'anchorCredentialBatch',
    channel,
    chaincode: CHAINCODE,
    issuer: issuer.did,
    batchId,
    root,
    size,
  };
  return {
    issuer: issuer.did,
    batchId,
    root,
    size,
    proof: { kid: `${issuer.did}#key-1`, signature: issuer.sign(signed) },
  };
}

// ---------- RFC 9162 Merkle trees (credential batches) ----------

function h(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
}

const leafHash = (leaf: Buffer): Buffer => h(Buffer.from([0]), leaf);

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(hashes: Buffer[]): Buffer {
  if (hashes.length === 1 && hashes[0]) return hashes[0];
  const k = largestPowerOfTwoBelow(hashes.length);
  return h(Buffer.from([1]), mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

export function merkleRoot(leaves: Buffer[]): string {
  return mth(leaves.map(leafHash)).toString('hex');
}

/** The audit path PATH(m, D[n]) of RFC 9162 §2.1.3.1, bottom-up, hex. */
export function auditPath(leaves: Buffer[], index: number): string[] {
  const walk = (m: number, hashes: Buffer[]): Buffer[] => {
    if (hashes.length <= 1) return [];
    const k = largestPowerOfTwoBelow(hashes.length);
    return m < k
      ? [...walk(m, hashes.slice(0, k)), mth(hashes.slice(k))]
      : [...walk(m - k, hashes.slice(k)), mth(hashes.slice(0, k))];
  };
  return walk(index, leaves.map(leafHash)).map((b) => b.toString('hex'));
}
