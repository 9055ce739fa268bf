/** Parsing of device requests; every error names the field. */
import { canonicalize } from '../common/canonical';
import { DAY_MS } from '../common/clock';
import { inputError } from '../common/errors';
import { PublicJwk, SIGNATURE_RULE, SignatureAlg, parsePublicJwk } from '../common/signature';
import { Fields, HEX64_RULE, asObject, instant, int, oneOf, onlyMembers, optStr, str } from '../common/validate';
import { DID_RULE } from '../dids/did.document';
import { DEVICE_TYPES, DeviceLocation, DeviceType, MAX_SEQ, Relay, Statement } from './device.model';

/** Human-readable labels (site, floor, model): letters of any script, digits, common punctuation. */
const LABEL = { max: 64, pattern: /^[\p{L}\p{N}][\p{L}\p{N} ._:@#()/-]*$/u, patternHint: 'must be a short label' };
const KIND = { max: 32, pattern: /^[a-z][a-z0-9_.-]*$/, patternHint: 'must be a lowercase name such as traffic' };
const STATEMENT_MEMBERS = new Set([
  'deviceDid',
  'seq',
  'periodStart',
  'periodEnd',
  'kind',
  'digest',
  'count',
  'summary',
  'channel',
]);
const ENTRY_MEMBERS = new Set(['statement', 'kid', 'alg', 'signature', 'relay']);
export const MAX_SUMMARY_BYTES = 1024;
export const MAX_PERIOD_MS = DAY_MS;
export const MAX_BATCH = 200;

/** A did:mallchain identifier member (default name `did`). */
export function did(f: Fields, name = 'did'): string {
  return str(f, name, DID_RULE);
}

/** The base64url `signature` of a `{ signature }` proof object. */
export function signatureOf(value: unknown, name: string): string {
  return str(asObject(value, name), 'signature', SIGNATURE_RULE);
}

/** The optional free-text `reason` of a status change. */
export function reason(f: Fields): string | undefined {
  return optStr(f, 'reason', { max: 256 });
}

function parseLocation(value: unknown): DeviceLocation {
  const f = asObject(value, 'location');
  onlyMembers(f, new Set(['site', 'floor', 'zone', 'entrance']), 'location');
  return {
    site: str(f, 'site', LABEL),
    floor: optStr(f, 'floor', LABEL),
    zone: optStr(f, 'zone', LABEL),
    entrance: optStr(f, 'entrance', LABEL),
  };
}

export interface Registration {
  did: string;
  type: DeviceType;
  model: string;
  firmwareDigest: string;
  location: DeviceLocation;
  publicKeyJwk: PublicJwk;
  signature: string;
}

/** A RegisterDevice request; nothing is read from state yet. */
export function parseRegistration(f: Fields): Registration {
  return {
    did: did(f),
    type: oneOf(f, 'type', DEVICE_TYPES),
    model: str(f, 'model', LABEL),
    firmwareDigest: str(f, 'firmwareDigest', HEX64_RULE),
    location: parseLocation(f.location),
    publicKeyJwk: parsePublicJwk(f.publicKeyJwk, 'publicKeyJwk'),
    signature: signatureOf(f.proof, 'proof'),
  };
}

/** An optional ISO instant that must not lie after `nowMs`; absent means `nowMs`. */
export function pastInstant(f: Fields, name: string, nowMs: number): number {
  if (f[name] === undefined) return nowMs;
  const ms = instant(f, name);
  if (ms > nowMs) throw inputError(name, 'must not be in the future');
  return ms;
}

export interface Entry {
  statement: Statement;
  kid: string;
  alg?: SignatureAlg;
  signature: string;
  relay?: Relay;
  periodEndMs: number;
}

function parseSummary(value: unknown): Record<string, unknown> {
  const summary = asObject(value, 'statement.summary');
  if (canonicalize(summary).length > MAX_SUMMARY_BYTES) {
    throw inputError('statement.summary', `must be at most ${MAX_SUMMARY_BYTES} bytes in canonical form`);
  }
  return summary;
}

/** A statement in the closed shape devices sign, so the stored bytes are the signed bytes. */
export function parseStatement(value: unknown): { statement: Statement; periodEndMs: number } {
  const f = asObject(value, 'statement');
  onlyMembers(f, STATEMENT_MEMBERS, 'statement');
  const startMs = instant(f, 'periodStart');
  const periodEndMs = instant(f, 'periodEnd');
  if (periodEndMs < startMs) throw inputError('periodEnd', 'must not be before periodStart');
  if (periodEndMs - startMs > MAX_PERIOD_MS) throw inputError('periodEnd', 'a period may last at most one day');
  const statement: Statement = {
    deviceDid: did(f, 'deviceDid'),
    seq: int(f, 'seq', { min: 1, max: MAX_SEQ }),
    periodStart: str(f, 'periodStart'),
    periodEnd: str(f, 'periodEnd'),
    kind: str(f, 'kind', KIND),
    digest: str(f, 'digest', HEX64_RULE),
    count: int(f, 'count'),
    summary: parseSummary(f.summary),
    channel: str(f, 'channel', { max: 249 }),
  };
  return { statement, periodEndMs };
}

function parseRelay(value: unknown): Relay {
  const f = asObject(value, 'relay');
  return {
    gatewayDid: did(f, 'gatewayDid'),
    kid: str(f, 'kid', { max: 140 }),
    signature: str(f, 'signature', SIGNATURE_RULE),
  };
}

/** One SubmitAttestations entry in its closed shape; errors name the field. */
export function parseEntry(value: unknown): Entry {
  const f = asObject(value, 'attestation');
  onlyMembers(f, ENTRY_MEMBERS, 'attestation');
  const { statement, periodEndMs } = parseStatement(f.statement);
  const entry: Entry = {
    statement,
    periodEndMs,
    kid: str(f, 'kid', { max: 140 }),
    signature: str(f, 'signature', SIGNATURE_RULE),
  };
  if (f.alg !== undefined) entry.alg = str(f, 'alg', { max: 16 }) as SignatureAlg;
  if (f.relay !== undefined) entry.relay = parseRelay(f.relay);
  return entry;
}
