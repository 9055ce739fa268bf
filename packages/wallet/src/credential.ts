/**
 * Membership credentials (W3C VC in JWT form, issued by a mall; generic: any issuer, any type) held in the
 * keystore, and presented as a Verifiable Presentation JWT signed by a key of the holder's DID, bound to the
 * verifier's audience and nonce so that a copied presentation is good for one verification only.
 */
import { kidOf } from './did';
import { type WalletKey, signBytes } from './keys';

export interface CredentialSummary {
  readonly issuer: string;
  readonly subject: string;
  readonly types: string[];
  readonly expiresAt: string | null;
  readonly jwt: string;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodePart(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Error(`credential: the JWT ${what} is not a JSON object`);
}

function vcTypes(vc: unknown): string[] {
  if (typeof vc !== 'object' || vc === null) throw new Error('credential: the JWT has no vc claim');
  const type = (vc as { type?: unknown }).type;
  const types = Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
  if (!types.includes('VerifiableCredential')) throw new Error('credential: vc.type lacks VerifiableCredential');
  return types;
}

/**
 * Reads a JWT VC's claims (the signature is the verifier's business: it resolves the issuer's DID). Refuses a
 * token that is not a JWT VC or whose subject is not `holder`.
 */
export function readCredential(jwt: string, holder?: string): CredentialSummary {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('credential: not a compact JWT');
  const claims = decodePart(parts[1], 'payload');
  const types = vcTypes(claims.vc);
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (holder !== undefined && subject !== holder) throw new Error(`credential: issued to ${subject}, not ${holder}`);
  return {
    issuer: typeof claims.iss === 'string' ? claims.iss : '',
    subject,
    types,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null,
    jwt,
  };
}

/** A VP JWT (ES256 or EdDSA per the key) carrying `credentials`, for `audience` with the verifier's `nonce`. */
export function presentCredentials(
  holder: string,
  key: WalletKey,
  credentials: readonly string[],
  audience: string,
  nonce: string,
  now = new Date(),
  lifetimeSeconds = 300,
): string {
  for (const c of credentials) readCredential(c, holder);
  const iat = Math.floor(now.getTime() / 1000);
  const header = { alg: key.alg, typ: 'JWT', kid: kidOf(holder, key) };
  const payload = {
    iss: holder,
    aud: audience,
    nonce,
    iat,
    nbf: iat,
    exp: iat + lifetimeSeconds,
    vp: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [...credentials],
    },
  };
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${signBytes(key, Buffer.from(input, 'ascii'))}`;
}
