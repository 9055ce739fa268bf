/**
 * Helpers of the points e2e files (settlement, expiry, adjustments): a member with a wallet key and its
 * self-certifying did:mallchain, a redeem consent it signs, and REST calls against one mall's middleware that
 * wait for the intake item's verdict or compare the cache with the peer.
 */
import { createHash, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { LedgerPort } from '../../../src/ledger/ledger.port';
import { call, committedItem, poll, type IntakeView, type Reply } from './http';
import type { WorldMall } from './two-mall-world';

export interface Member {
  readonly did: string;
  readonly kid: string;
  readonly jwk: Record<string, string>;
  sign(payload: unknown): string;
}

/** A member key and its did:mallchain (RFC 7638 thumbprint, docs/did-method.md). */
export function newMember(): Member {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = pair.publicKey.export({ format: 'jwk' });
  const jwk = { kty: 'EC', crv: 'P-256', x: j.x ?? '', y: j.y ?? '' };
  const tp = createHash('sha256')
    .update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`)
    .digest('base64url');
  const did = `did:mallchain:${tp}`;
  return {
    did,
    kid: `${did}#key-1`,
    jwk,
    sign: (payload: unknown): string =>
      signBytes('sha256', Buffer.from(canonicalize(payload) ?? ''), {
        key: pair.privateKey,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64url'),
  };
}

/** Registers the member's DID on the ledger (`dids:CreateDid` signed by the member's own key). */
export async function createDid(peer: LedgerPort, channel: string, m: Member): Promise<void> {
  const method = { id: m.kid, type: 'JsonWebKey2020', controller: m.did, publicKeyJwk: m.jwk };
  const document = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: m.did,
    verificationMethod: [method],
    authentication: [m.kid],
    assertionMethod: [m.kid],
    capabilityInvocation: [m.kid],
  };
  const op = {
    op: 'create',
    channel,
    chaincode: 'mallchain',
    did: m.did,
    previousVersionId: null,
    role: 'member',
    document,
  };
  const request = { role: 'member', document, proof: { kid: m.kid, signature: m.sign(op) } };
  await peer.submit('dids:CreateDid', [canonicalize(request) ?? '']);
}

/** The body of `POST /v1/points/redemptions` with the member's consent (docs/points.md, _Consent_). */
export function redemption(
  channel: string,
  m: Member,
  t: { merchant: string; ref: string; programId: string; amount: number; nonce: string },
): Record<string, unknown> {
  const deadline = new Date(Date.now() + 10 * 60_000).toISOString();
  const { ref, ...signed } = t;
  const payload = { action: 'points.redeem', chaincode: 'mallchain', channel, member: m.did, deadline, ...signed };
  return { ...t, ref, member: m.did, deadline, consent: { kid: m.kid, signature: m.sign(payload) } };
}

/** Evaluates a `points:` query on a peer and parses its JSON answer. */
export async function evaluate<T>(peer: LedgerPort, fn: string, request: unknown): Promise<T> {
  return JSON.parse(Buffer.from(await peer.evaluate(fn, [canonicalize(request) ?? ''])).toString()) as T;
}

/** REST against one mall's middleware with its own API key. */
export interface MallApi {
  /** POST (or PUT) that must be accepted; waits for the intake item to commit. */
  ok(path: string, body: unknown): Promise<IntakeView>;
  /** POST accepted by the intake and then refused by the chaincode: the dead item. */
  dead(path: string, body: unknown): Promise<IntakeView>;
  get<T>(path: string): Promise<T>;
  /** GET from the cache until it equals the same GET with `consistency=ledger` (this mall's peer). */
  sameAsLedger<T>(path: string): Promise<T>;
  raw<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Reply<T>>;
}

export function mallApi(m: WorldMall): MallApi {
  const base = m.app.base;
  const raw = <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Reply<T>> =>
    call<T>(base, m.key, method, path, body);
  const get = async <T>(path: string): Promise<T> => {
    const r = await raw<T>('GET', path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const accepted = async (path: string, body: unknown): Promise<string> => {
    const r = await raw<{ trackingId: string }>('POST', path, body);
    if (r.status !== 200 && r.status !== 202) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.trackingId;
  };
  return {
    raw,
    get,
    ok: async (path, body) => committedItem(base, m.key, await accepted(path, body)),
    dead: async (path, body) => {
      const id = await accepted(path, body);
      return poll(`${path} refused by the chaincode`, async () => {
        const v = await get<IntakeView>(`/v1/intake/${id}`);
        if (v.status === 'committed') throw new Error(`${path} committed, expected a refusal`);
        return v.status === 'dead' ? v : undefined;
      });
    },
    sameAsLedger: <T>(path: string): Promise<T> =>
      poll(`${path} equal to the ledger`, async () => {
        const sep = path.includes('?') ? '&' : '?';
        const [cache, ledger] = await Promise.all([get<T>(path), get<T>(`${path}${sep}consistency=ledger`)]);
        const [c, l] = [canonicalize(cache), canonicalize(ledger)];
        if (c !== l) throw new Error(`cache ${c ?? ''} differs from the ledger ${l ?? ''}`);
        return cache;
      }),
  };
}
