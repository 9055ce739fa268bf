import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DeviceStatement } from '../ledger/domain/device.ledger';
import { parseShanghaiTime } from '../points/shanghai-time';

/** A paperless printer's signature over a receipt it printed (DOMAIN.md `eReceipt`). */
export interface EReceipt {
  readonly deviceDid: string;
  readonly seq: number;
  /** base64url SHA-256 of JCS(receipt without `eReceipt`). */
  readonly digest: string;
  /** The printer's ES256 (raw r‖s) or EdDSA signature, base64url, over JCS({@link receiptStatement}). */
  readonly signature: string;
}

function withoutEReceipt(receipt: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { eReceipt: _omitted, ...rest } = receipt;
  return rest;
}

/** base64url SHA-256 of JCS(receipt without `eReceipt`): what the printer and the middleware both compute. */
export function receiptDigest(receipt: Readonly<Record<string, unknown>>): string {
  return createHash('sha256')
    .update(canonicalize(withoutEReceipt(receipt)) ?? '{}')
    .digest('base64url');
}

function isoSeconds(at: Date): string {
  return at.toISOString().replace('.000Z', 'Z');
}

/**
 * The device statement a printer signs for one receipt, derived from the receipt alone so that printer and
 * middleware build the same bytes: measured at `ocrTime` (period start = end), `kind: "receipt"`, the receipt's
 * digest in hex, one record, and the till, receipt number and amount as the summary (readable by any mall).
 */
export function receiptStatement(
  receipt: Readonly<Record<string, unknown>>,
  ref: Pick<EReceipt, 'deviceDid' | 'seq'>,
  channel: string,
): DeviceStatement {
  const at = parseShanghaiTime(receipt.ocrTime);
  if (at === undefined) throw new Error('receipt.ocrTime is not a yyyy.MM.dd HH:mm:ss time');
  const time = isoSeconds(at);
  return {
    deviceDid: ref.deviceDid,
    seq: ref.seq,
    periodStart: time,
    periodEnd: time,
    kind: 'receipt',
    digest: Buffer.from(receiptDigest(receipt), 'base64url').toString('hex'),
    count: 1,
    summary: { posNo: receipt.posNo, flowNo: receipt.flowNo, realAmt: receipt.realAmt },
    channel,
  };
}
