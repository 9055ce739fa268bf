/** Read-only questions about devices and their anchored statements. */
import { Context } from 'fabric-contract-api';
import { DAY_MS } from '../common/clock';
import { inputError, notFound } from '../common/errors';
import { getJson, listByPrefix } from '../common/state';
import { Fields, HEX64_RULE, instant, int, str } from '../common/validate';
import {
  AttestationRecord,
  DeviceRecord,
  PERIOD_INDEX,
  SeqRecord,
  attestationKey,
  findKey,
  requireDevice,
  seqKey,
} from './device.model';
import { did } from './device.parse';

/** A period query reads at most this many days of the index. */
export const MAX_QUERY_DAYS = 31;

/** The device named by `did` with its last accepted sequence number (0 before any). */
export async function deviceWithSeq(ctx: Context, f: Fields): Promise<DeviceRecord & { lastSeq: number }> {
  const device = await requireDevice(ctx, did(f));
  const seq = await getJson<SeqRecord>(ctx, seqKey(ctx, device.did));
  return { ...device, lastSeq: seq?.seq ?? 0 };
}

/** Attestations of a device whose period starts in [from, to), in period order. */
export async function listAttestations(ctx: Context, f: Fields): Promise<AttestationRecord[]> {
  const deviceDid = did(f, 'deviceDid');
  const from = instant(f, 'from');
  const to = instant(f, 'to');
  if (to <= from) throw inputError('to', 'must be after from');
  if (to - from > MAX_QUERY_DAYS * DAY_MS) throw inputError('to', `a query may span at most ${MAX_QUERY_DAYS} days`);
  const out: AttestationRecord[] = [];
  for (let day = from - (from % DAY_MS); day < to; day += DAY_MS) {
    for (const record of await attestationsOfDay(ctx, deviceDid, day)) {
      const start = Date.parse(record.statement.periodStart);
      if (start >= from && start < to) out.push(record);
    }
  }
  return out;
}

/** The device's attestations whose period starts on the UTC day beginning at `dayMs`, in period order. */
async function attestationsOfDay(ctx: Context, deviceDid: string, dayMs: number): Promise<AttestationRecord[]> {
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const rows = await listByPrefix<{ seq: number }>(ctx, PERIOD_INDEX, [deviceDid, day], 'attestations of one day');
  const out: AttestationRecord[] = [];
  for (const row of rows) {
    const record = await getJson<AttestationRecord>(ctx, attestationKey(ctx, deviceDid, row.value.seq));
    if (record) out.push(record);
  }
  return out;
}

/**
 * Whether an anchored statement may still be relied on: not if its device was revoked with
 * a compromise time, or its key reported compromised, at or before the end of its period.
 */
function trusted(device: DeviceRecord, record: AttestationRecord): boolean {
  const end = Date.parse(record.statement.periodEnd);
  if (device.compromisedAt !== undefined && end >= Date.parse(device.compromisedAt)) return false;
  const k = findKey(device, record.kid);
  return k?.compromisedAt === undefined || end < Date.parse(k.compromisedAt);
}

export interface DigestCheck {
  match: boolean;
  trusted: boolean;
  deviceDid: string;
  seq: number;
  digest: string;
  anchoredDigest: string;
  deviceStatus: DeviceRecord['status'];
  ownerMsp: string;
  attestation: AttestationRecord;
}

/** Does `digest` match the digest device `deviceDid` signed in statement `seq`? */
export async function verifyDigest(ctx: Context, f: Fields): Promise<DigestCheck> {
  const deviceDid = did(f, 'deviceDid');
  const seq = int(f, 'seq', { min: 1 });
  const digest = str(f, 'digest', HEX64_RULE);
  const record = await getJson<AttestationRecord>(ctx, attestationKey(ctx, deviceDid, seq));
  if (!record) throw notFound('attestation', `${deviceDid} seq ${seq}`);
  const device = await requireDevice(ctx, deviceDid);
  const match = record.statement.digest === digest;
  return {
    match,
    trusted: match && trusted(device, record),
    deviceDid,
    seq,
    digest,
    anchoredDigest: record.statement.digest,
    deviceStatus: device.status,
    ownerMsp: device.ownerMsp,
    attestation: record,
  };
}
