import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DeviceProofError } from '../common/errors';
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

function validAt(k: DeviceKeysView['keys'][number], atMs: number): boolean {
  if (Date.parse(k.validFrom) > atMs) return false;
  if (k.validTo !== undefined && atMs >= Date.parse(k.validTo)) return false;
  return k.compromisedAt === undefined || atMs < Date.parse(k.compromisedAt);
}

/** Signature check with the chaincode's rules (ES256 raw r‖s over SHA-256, EdDSA over the bytes). */
export function verifyStatement(
  jwk: DeviceKeysView['keys'][number]['publicKeyJwk'],
  data: Buffer,
  signature: string,
): boolean {
  try {
    const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    const sig = Buffer.from(signature, 'base64url');
    if (jwk.crv === 'P-256')
      return sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    return verify(null, data, key, sig);
  } catch {
    return false;
  }
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
  const key = device.keys.find((k) => validAt(k, at));
  if (!key)
    throw new DeviceProofError('PROOF_KEY', `no key of ${statement.deviceDid} was valid at ${statement.periodEnd}`);
  const data = Buffer.from(canonicalize(statement) ?? '');
  if (!verifyStatement(key.publicKeyJwk, data, signature))
    throw new DeviceProofError('PROOF_SIGNATURE', `deviceProof.signature does not verify with ${key.kid}`);
  return key.kid;
}
