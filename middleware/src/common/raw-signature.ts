import { createPublicKey, verify } from 'node:crypto';

/** The public members of a P-256 or Ed25519 JWK, as DID documents and the device registry hold them. */
export interface RawPublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
}

/**
 * A signature checked by the chaincode's rules: ES256 as raw r‖s (64 bytes, base64url) over SHA-256 of `data`,
 * EdDSA over `data` itself. Only the JWK's public members are used; anything malformed is false, never a throw.
 */
export function verifyRawSignature(jwk: RawPublicJwk, data: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    const sig = Buffer.from(signature, 'base64url');
    if (jwk.crv === 'P-256')
      return sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    return verify(null, data, key, sig);
  } catch {
    return false;
  }
}
