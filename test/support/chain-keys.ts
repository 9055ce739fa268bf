/**
 * Keys and signatures for requests to the real network, written independently of the
 * chaincode's own code so the end-to-end tests cross-check its conventions: JCS canonical
 * JSON (RFC 8785, sorted keys), RFC 7638 JWK thumbprints, base64url signatures (ES256 as raw
 * r||s, Ed25519 over the bytes).
 */
import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';

export type Alg = 'ES256' | 'EdDSA';

export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

/** JCS: object members sorted by UTF-16 code units, no whitespace, undefined members dropped. */
export function jcs(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('JCS cannot encode a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : jcs(v))).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const members = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${jcs(obj[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new Error(`JCS cannot encode a ${typeof value}`);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 7638 thumbprint: SHA-256 over the JCS of the required members only, base64url. */
export function thumbprint(jwk: PublicJwk): string {
  const required = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : jwk;
  return createHash('sha256').update(jcs(required)).digest('base64url');
}

/** A key pair that signs JCS payloads; `did` is the did:mallchain derived from it. */
export interface ChainKey {
  alg: Alg;
  jwk: PublicJwk;
  did: string;
  privateKey: KeyObject;
  /** base64url signature over JCS(payload). */
  sign(payload: unknown): string;
}

export function newKey(alg: Alg = 'ES256'): ChainKey {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const full = pair.publicKey.export({ format: 'jwk' });
  if (!full.x) throw new Error('node:crypto exported a JWK without x');
  const jwk: PublicJwk =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: full.x, y: full.y ?? '' }
      : { kty: 'OKP', crv: 'Ed25519', x: full.x };
  const privateKey = pair.privateKey;
  return {
    alg,
    jwk,
    did: `did:mallchain:${thumbprint(jwk)}`,
    privateKey,
    sign(payload: unknown): string {
      const bytes = Buffer.from(jcs(payload), 'utf8');
      const signature =
        alg === 'ES256'
          ? sign('sha256', bytes, { key: privateKey, dsaEncoding: 'ieee-p1363' })
          : sign(null, bytes, privateKey);
      return signature.toString('base64url');
    },
  };
}

/** IDs that never collide with an earlier run: the ledger persists between runs. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
