import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DeviceProofError } from '../common/errors';
import { verifyRawSignature } from '../common/raw-signature';
import type { DeviceKeysView, DeviceStatement } from '../ledger/domain/device.ledger';
import type { DeviceProof, TrafficRecord } from './traffic.validator';

const DAY_MS = 86_400_000;

/** base64url SHA-256 of JCS(records), the records exactly as the counter sent them. */
export function recordsDigest(raw: readonly unknown[]): string {
  return createHash('sha256')
    .update(canonicalize(raw) ?? '[]')
    .digest('base64url');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The statement a counter signs for a push, derived from the records alone (so the counter and the middleware build
 * the same bytes): the period runs from the earliest bucket start to the latest measurement, where a bucket was
 * measured at its end, or at its `modifyTime` while still open; `digest` is the hex of the records' SHA-256,
 * `count` the number of records, `summary` the sums of `inNum` and `outNum`.
 */
export function trafficStatement(
  records: readonly Pick<TrafficRecord, 'dataTimeMs' | 'intervalMin' | 'modifyTimeMs' | 'inNum' | 'outNum' | 'raw'>[],
  proof: Pick<DeviceProof, 'deviceDid' | 'seq'>,
  channel: string,
): DeviceStatement {
  let start = Infinity;
  let end = -Infinity;
  let inNum = 0;
  let outNum = 0;
  for (const r of records) {
    start = Math.min(start, r.dataTimeMs);
    end = Math.max(end, Math.min(r.dataTimeMs + r.intervalMin * 60_000, r.modifyTimeMs));
    inNum += r.inNum;
    outNum += r.outNum;
  }
  if (end - start > DAY_MS)
    throw new DeviceProofError('PROOF_PERIOD', 'records of one deviceProof may span at most one day');
  return {
    deviceDid: proof.deviceDid,
    seq: proof.seq,
    periodStart: iso(start),
    periodEnd: iso(end),
    kind: 'traffic',
    digest: Buffer.from(recordsDigest(records.map((r) => r.raw)), 'base64url').toString('hex'),
    count: records.length,
    summary: { inNum, outNum },
    channel,
  };
}

/**
 * The chaincode's rule (`keyValidAt`): a key signs from the whole second of its `validFrom` (Huina records carry
 * whole seconds) up to its exact `validTo` / `compromisedAt`.
 */
function validAt(k: DeviceKeysView['keys'][number], atMs: number): boolean {
  if (Math.floor(Date.parse(k.validFrom) / 1000) * 1000 > atMs) return false;
  if (k.validTo !== undefined && atMs >= Date.parse(k.validTo)) return false;
  return k.compromisedAt === undefined || atMs < Date.parse(k.compromisedAt);
}

/**
 * Checks a statement against the device's registry entry before it is relayed, so that a forged proof is refused
 * at once (400/409) instead of dying on the ledger: the device exists and is active, a key was valid at `periodEnd`,
 * and that key's signature verifies. Returns the key ID the attestation names.
 */
export function checkProof(statement: DeviceStatement, signature: string, device: DeviceKeysView | undefined): string {
  if (!device) throw new DeviceProofError('PROOF_DEVICE', `device ${statement.deviceDid} is not registered`);
  if (device.status !== 'active')
    throw new DeviceProofError('PROOF_INACTIVE', `device ${statement.deviceDid} is ${device.status}`);
  const at = Date.parse(statement.periodEnd);
  // In the second of a rotation both the old and the new key are valid: the one whose signature verifies signed it.
  const keys = device.keys.filter((k) => validAt(k, at));
  if (keys.length === 0)
    throw new DeviceProofError('PROOF_KEY', `no key of ${statement.deviceDid} was valid at ${statement.periodEnd}`);
  const data = Buffer.from(canonicalize(statement) ?? '');
  const key = keys.find((k) => verifyRawSignature(k.publicKeyJwk, data, signature));
  if (!key)
    throw new DeviceProofError(
      'PROOF_SIGNATURE',
      `deviceProof.signature does not verify with ${keys.map((k) => k.kid).join(' or ')}`,
    );
  return key.kid;
}
