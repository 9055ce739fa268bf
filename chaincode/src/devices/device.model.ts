/**
 * Device registry records and their ledger keys. Every key is per device (`dev`, `devseq`)
 * or per statement (`att`, `atti`), so devices never contend for one key under load.
 */
import { Context } from 'fabric-contract-api';
import { ChaincodeError, notFound } from '../common/errors';
import { PublicJwk, SignatureAlg } from '../common/signature';
import { getJson, key } from '../common/state';

export const DEVICE_TYPES = ['people_counter', 'receipt_printer', 'rfid_reader', 'gateway'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export type DeviceStatus = 'active' | 'suspended' | 'revoked';

/** Signature algorithms a device key may use. */
export const ALLOWED_ALGS: readonly SignatureAlg[] = ['ES256', 'EdDSA'];

export interface DeviceKey {
  /** `<did>#key-<n>`, n counting from 1. */
  kid: string;
  publicKeyJwk: PublicJwk;
  alg: SignatureAlg;
  validFrom: string;
  /** Set when the key is rotated out: statements measured from then on need the next key. */
  validTo?: string;
  /** Statements measured at or after this time are not accepted with this key. */
  compromisedAt?: string;
}

export interface DeviceLocation {
  site: string;
  floor?: string;
  zone?: string;
  entrance?: string;
}

export interface DeviceRecord {
  did: string;
  ownerMsp: string;
  type: DeviceType;
  model: string;
  firmwareDigest: string;
  location: DeviceLocation;
  status: DeviceStatus;
  statusReason?: string;
  /** For a revoked device: nothing it signed for a period ending at or after this time is trusted. */
  compromisedAt?: string;
  keys: DeviceKey[];
  registeredAt: string;
  updatedAt: string;
  txId: string;
}

/** The last accepted sequence number of a device. */
export interface SeqRecord {
  did: string;
  seq: number;
  txId: string;
}

/** What a device signs (JCS): see docs/devices.md. */
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

export interface Relay {
  gatewayDid: string;
  kid: string;
  signature: string;
}

export interface AttestationRecord {
  statement: Statement;
  kid: string;
  alg: SignatureAlg;
  signature: string;
  relay?: Relay;
  /** SHA-256 hex of JCS(statement): the bytes the device signed. */
  statementHash: string;
  txId: string;
  anchoredAt: string;
  submittedBy: string;
}

/** Key of a device record. */
export function deviceKey(ctx: Context, did: string): string {
  return key(ctx, 'dev', did);
}

/** Key of a device's last accepted sequence number. */
export function seqKey(ctx: Context, did: string): string {
  return key(ctx, 'devseq', did);
}

/**
 * Highest sequence number a statement may carry (2^48, 15 digits, so the 16-digit key padding
 * always holds). With {@link MAX_SEQ_STEP} a device needs at least 2^28 statements to get
 * there; a device that does is worn out and is registered again under a fresh key (a new DID).
 */
export const MAX_SEQ = 2 ** 48;
/** How far past the last accepted seq a statement may jump (gaps are allowed, a leap to the end is not). */
export const MAX_SEQ_STEP = 2 ** 20;

/** A sequence number padded to 16 digits, so keys sort in sequence order. */
export function padSeq(seq: number): string {
  return String(seq).padStart(16, '0');
}

/** Key of one anchored statement of a device. */
export function attestationKey(ctx: Context, did: string, seq: number): string {
  return key(ctx, 'att', did, padSeq(seq));
}

/** Object type of the period index: per device and UTC day of `periodStart`, so a period query reads only its days. */
export const PERIOD_INDEX = 'atti';

/** Period-index key of a statement (see {@link PERIOD_INDEX}). */
export function periodIndexKey(ctx: Context, s: Statement): string {
  return key(ctx, PERIOD_INDEX, s.deviceDid, s.periodStart.slice(0, 10), s.periodStart, padSeq(s.seq));
}

/** The device record, if the DID is registered. */
export async function getDevice(ctx: Context, did: string): Promise<DeviceRecord | undefined> {
  return getJson<DeviceRecord>(ctx, deviceKey(ctx, did));
}

/** The device record, or NOT_FOUND. */
export async function requireDevice(ctx: Context, did: string): Promise<DeviceRecord> {
  const device = await getDevice(ctx, did);
  if (!device) throw notFound('device', did);
  return device;
}

/** Refuses with DEVICE_STATE unless the device is in one of the `allowed` states. */
export function requireStatus(device: DeviceRecord, allowed: DeviceStatus[], action: string): void {
  if (!allowed.includes(device.status)) {
    throw new ChaincodeError('DEVICE_STATE', `cannot ${action} ${device.did}: it is ${device.status}`);
  }
}

/** `ms` truncated to its whole second. */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The key of `device` with id `kid`, if it has one. */
export function findKey(device: DeviceRecord, kid: string): DeviceKey | undefined {
  return device.keys.find((k) => k.kid === kid);
}

/**
 * Whether `k` may sign for a measurement at `atMs`: inside its validity interval and
 * before any compromise time. The interval starts at the whole second of `validFrom`:
 * devices such as Huina counters time their records in whole seconds, so a record made in
 * the second a key was registered must count as signed by it (docs/huina.md, "Key validity
 * at second resolution"). Only the start is widened, by under one second: an end
 * (`validTo`, `compromisedAt`) stays exact, so a rotated-out or compromised key gains
 * nothing.
 */
export function keyValidAt(k: DeviceKey, atMs: number): boolean {
  if (wholeSecond(Date.parse(k.validFrom)) > atMs) return false;
  if (k.validTo !== undefined && atMs >= Date.parse(k.validTo)) return false;
  return k.compromisedAt === undefined || atMs < Date.parse(k.compromisedAt);
}
