import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { PublicJwk } from '../ledger/domain/device.ledger';

/** A device's own P-256 key pair (simulators and tests: real devices keep theirs in hardware). */
export interface DeviceKey {
  readonly privateKey: KeyObject;
  readonly publicKeyJwk: PublicJwk;
  readonly did: string;
}

/** RFC 7638 thumbprint (SHA-256, base64url) of a public JWK, as the chaincode derives device DIDs. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256')
    .update(canonicalize(members) ?? '')
    .digest('base64url');
}

export function publicJwkOf(privateKey: KeyObject): PublicJwk {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || jwk.x === undefined || jwk.y === undefined) throw new Error('not a P-256 key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

export function deviceKeyOf(privateKey: KeyObject): DeviceKey {
  const publicKeyJwk = publicJwkOf(privateKey);
  return { privateKey, publicKeyJwk, did: `did:mallchain:${jwkThumbprint(publicKeyJwk)}` };
}

export function generateDeviceKey(): DeviceKey {
  return deviceKeyOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** ES256 over JCS(value), raw r‖s, base64url: what the chaincode verifies. */
export function signJcs(privateKey: KeyObject, value: unknown): string {
  return sign('sha256', Buffer.from(canonicalize(value) ?? ''), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
}
