/**
 * Real keys for DID and device tests: P-256 (ES256, raw r||s) and Ed25519 key pairs from
 * node:crypto, JCS signing, and builders for did:mallchain documents and operations.
 */
import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalize } from '../../src/common/canonical';
import { PublicJwk, jwkThumbprint } from '../../src/common/signature';

export type KeyKind = 'p256' | 'ed25519';

export interface TestKey {
  kind: KeyKind;
  jwk: PublicJwk;
  privateKey: KeyObject;
  /** did:mallchain derived from this key. */
  did: string;
}

export function newKey(kind: KeyKind = 'p256'): TestKey {
  const pair = kind === 'p256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const full = pair.publicKey.export({ format: 'jwk' });
  const jwk: PublicJwk =
    kind === 'p256' ? { kty: 'EC', crv: 'P-256', x: full.x!, y: full.y! } : { kty: 'OKP', crv: 'Ed25519', x: full.x! };
  return { kind, jwk, privateKey: pair.privateKey, did: `did:mallchain:${jwkThumbprint(jwk)}` };
}

/** base64url signature over the JCS bytes of `payload` (ES256 as raw r||s). */
export function signJcs(key: TestKey, payload: unknown): string {
  const data = Buffer.from(canonicalize(payload), 'utf8');
  const sig =
    key.kind === 'p256'
      ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, data, key.privateKey);
  return sig.toString('base64url');
}

export interface DocOptions {
  /** Extra keys, referenced under `authentication` (and not as controllers). */
  extraKeys?: { fragment: string; key: TestKey }[];
  service?: { id: string; type: string; serviceEndpoint: string }[];
}

/** A document for `did` whose controller key is `controller` at `#<fragment>`. */
export function didDocument(
  did: string,
  controller: TestKey,
  fragment = 'key-1',
  opts: DocOptions = {},
): Record<string, unknown> {
  const methods = [{ fragment, key: controller }, ...(opts.extraKeys ?? [])].map((m) => ({
    id: `${did}#${m.fragment}`,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: m.key.jwk,
  }));
  const doc: Record<string, unknown> = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: methods,
    authentication: methods.map((m) => m.id),
    assertionMethod: [`${did}#${fragment}`],
    capabilityInvocation: [`${did}#${fragment}`],
  };
  if (opts.service) doc.service = opts.service;
  return doc;
}

export interface OpOptions {
  channel?: string;
  role?: string;
  document?: unknown;
}

/** The operation a controller signs, as docs/did-method.md specifies it. */
export function didOperation(
  op: 'create' | 'update' | 'deactivate',
  did: string,
  previousVersionId: string | null,
  opts: OpOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    op,
    channel: opts.channel ?? 'mallchannel',
    chaincode: 'mallchain',
    did,
    previousVersionId,
  };
  if (opts.role !== undefined) out.role = opts.role;
  if (opts.document !== undefined) out.document = opts.document;
  return out;
}

/** A complete CreateDid request signed by `key` (the key the DID derives from). */
export function createRequest(key: TestKey, role = 'member', opts: { channel?: string } = {}): string {
  const document = didDocument(key.did, key);
  const signature = signJcs(key, didOperation('create', key.did, null, { role, document, channel: opts.channel }));
  return JSON.stringify({ role, document, proof: { kid: `${key.did}#key-1`, signature } });
}

/** An UpdateDid request replacing `previousVersionId`, signed by `signer` at `kid`. */
export function updateRequest(
  did: string,
  previousVersionId: string,
  document: unknown,
  signer: TestKey,
  kid = `${did}#key-1`,
  channel?: string,
): string {
  const signature = signJcs(signer, didOperation('update', did, previousVersionId, { document, channel }));
  return JSON.stringify({ did, previousVersionId, document, proof: { kid, signature } });
}

export function deactivateRequest(
  did: string,
  previousVersionId: string,
  signer: TestKey,
  kid = `${did}#key-1`,
): string {
  const signature = signJcs(signer, didOperation('deactivate', did, previousVersionId));
  return JSON.stringify({ did, previousVersionId, proof: { kid, signature } });
}
