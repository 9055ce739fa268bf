/**
 * Member DIDs for points tests: real P-256 / Ed25519 keys from node:crypto, stored as
 * DidRecord JSON straight into the fake ledger (the DID contract is tested on its own).
 */
import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalize } from '../../src/common/canonical';
import { PublicJwk, jwkThumbprint } from '../../src/common/signature';
import { DidRecord } from '../../src/dids/did.store';
import { Ledger } from './fake-stub';

export interface TestMember {
  did: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  /** Signature over JCS(payload), base64url (ES256 as raw r||s). */
  sign(payload: unknown): string;
}

const SEP = '\u0000';

export function didStateKey(did: string): string {
  return `${SEP}did${SEP}${did}${SEP}`;
}

function publicJwk(key: KeyObject): PublicJwk {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'EC') return { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' };
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '' };
}

/** Creates a key pair, writes the member's DID record into `ledger` and returns a signer. */
export function seedMember(ledger: Ledger, alg: 'ES256' | 'EdDSA' = 'ES256', deactivated = false): TestMember {
  const { publicKey, privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const jwk = publicJwk(publicKey);
  const did = `did:mallchain:${jwkThumbprint(jwk)}`;
  const kid = `${did}#key-1`;
  const at = new Date(ledger.now).toISOString();
  const record: DidRecord = {
    did,
    role: 'member',
    document: {
      '@context': ['https://www.w3.org/ns/did/v1'],
      id: did,
      verificationMethod: [{ id: kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
      authentication: [kid],
    },
    versionId: 1,
    created: at,
    updated: at,
    deactivated,
    anchoredBy: 'MallAMSP',
  };
  ledger.state.set(didStateKey(did), Buffer.from(canonicalize(record), 'utf8'));
  return {
    did,
    kid,
    alg,
    sign(payload: unknown): string {
      const data = Buffer.from(canonicalize(payload), 'utf8');
      const sig =
        alg === 'ES256'
          ? sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
          : sign(null, data, privateKey);
      return sig.toString('base64url');
    },
  };
}
