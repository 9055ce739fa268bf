/**
 * The compact form of a signed consent, the string a member's wallet shows (as text or QR code) and a POS
 * scans: `mcc1.` + base64url(JSON of the signed payload plus `kid` and `signature`). The chaincode never
 * reads it (it receives the fields); the wallet writes it and the middleware reads it, both from here.
 */
import type { ConsentPayload } from './signed-payloads';
import { CHAINCODE_NAME } from './signed-payloads';

export const COMPACT_CONSENT_PREFIX = 'mcc1.';
/** A compact consent is at most this many characters (a QR code of version 25 or so still scans on a till). */
export const COMPACT_CONSENT_MAX = 2048;

/** A consent signature: which key of the member's DID document signed, and the base64url signature. */
export interface ConsentProof {
  readonly kid: string;
  readonly signature: string;
}

export interface SignedConsent {
  readonly payload: ConsentPayload;
  readonly proof: ConsentProof;
}

const STRING_FIELDS: Record<ConsentPayload['action'], readonly string[]> = {
  'points.redeem': ['member', 'merchant', 'programId'],
  'points.transfer': ['from', 'to', 'programId'],
  'points.exchange': ['member', 'fromProgram', 'toProgram'],
};
const NUMBER_FIELDS: Record<ConsentPayload['action'], readonly string[]> = {
  'points.redeem': ['amount'],
  'points.transfer': ['amount'],
  'points.exchange': ['amount', 'receive'],
};
const COMMON = ['action', 'chaincode', 'channel', 'deadline', 'nonce', 'kid', 'signature'];

/** The string a wallet shows for `consent`. */
export function encodeCompactConsent(consent: SignedConsent): string {
  const body = { ...consent.payload, kid: consent.proof.kid, signature: consent.proof.signature };
  return COMPACT_CONSENT_PREFIX + Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function fieldProblem(o: Record<string, unknown>, action: ConsentPayload['action']): string | undefined {
  const allowed = new Set([...COMMON, ...STRING_FIELDS[action], ...NUMBER_FIELDS[action]]);
  const extra = Object.keys(o).find((k) => !allowed.has(k));
  if (extra !== undefined) return `consent: unexpected member ${extra}`;
  for (const k of [...COMMON.slice(2), ...STRING_FIELDS[action]]) {
    const v = o[k];
    if (typeof v !== 'string' || v.length === 0 || v.length > 300) return `consent.${k} must be a string of 1–300`;
  }
  for (const k of NUMBER_FIELDS[action]) {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) <= 0) return `consent.${k} must be a positive integer`;
  }
  if (o.chaincode !== CHAINCODE_NAME) return `consent.chaincode must be ${CHAINCODE_NAME}`;
  return undefined;
}

function decodeObject(b64: string): Record<string, unknown> | string {
  if (!/^[A-Za-z0-9_-]+$/.test(b64)) return 'consent must be mcc1.<base64url>';
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
  } catch {
    return 'consent does not decode to JSON';
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'consent must decode to an object';
  return o as Record<string, unknown>;
}

/** Parses a compact consent; a string result names what is wrong. Signatures are not checked here. */
export function decodeCompactConsent(text: string): SignedConsent | string {
  if (text.length > COMPACT_CONSENT_MAX) return `consent must be at most ${COMPACT_CONSENT_MAX} characters`;
  if (!text.startsWith(COMPACT_CONSENT_PREFIX)) return `consent must start with ${COMPACT_CONSENT_PREFIX}`;
  const rec = decodeObject(text.slice(COMPACT_CONSENT_PREFIX.length));
  if (typeof rec === 'string') return rec;
  const action = rec.action;
  if (action !== 'points.redeem' && action !== 'points.transfer' && action !== 'points.exchange') {
    return 'consent.action must be points.redeem, points.transfer or points.exchange';
  }
  const problem = fieldProblem(rec, action);
  if (problem !== undefined) return problem;
  const { kid, signature, ...payload } = rec as Record<string, unknown> & ConsentProof;
  return { payload: payload as unknown as ConsentPayload, proof: { kid, signature } };
}
