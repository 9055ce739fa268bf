import { recordsDigest } from '../huina/device-proof';
import { type EReceipt, receiptDigest } from './e-receipt';

/**
 * What a mall publishes so that another mall can check a traffic figure through its own peer: the bucket, its
 * figure, the device attestation behind it and the records exactly as the counter signed them (docs/huina.md).
 */
export interface TrafficEvidence {
  readonly kind: 'traffic';
  readonly mallMspId: string;
  readonly siteKey: string;
  readonly dataTime: string;
  readonly interval: string;
  readonly figure: { readonly inNum: number; readonly outNum: number; readonly throughNum: number | null };
  readonly deviceDid: string;
  readonly seq: number;
  /** base64url SHA-256 of JCS(records). */
  readonly digest: string;
  /** Index of the bucket's record in `records`. */
  readonly position: number;
  readonly records: readonly Record<string, unknown>[];
}

/** An accrual's e-receipt: the issuing mall, its program and Haide orgCode, and the receipt as printed. */
export interface EReceiptEvidence {
  readonly kind: 'e-receipt';
  readonly mallMspId: string;
  readonly programId: string;
  readonly orgCode: string;
  readonly receipt: Record<string, unknown> & { eReceipt?: EReceipt };
}

/** The outcome of a check at the verifying mall: every check named, `verified` only when all hold. */
export interface EvidenceVerdict {
  readonly verified: boolean;
  readonly kind: 'traffic' | 'e-receipt';
  readonly deviceDid: string;
  readonly seq: number;
  readonly checks: Readonly<Record<string, boolean>>;
  readonly problems: readonly string[];
  readonly ownerMsp: string | null;
  readonly deviceStatus: string | null;
}

/** What the verifying mall's own peer says about an attestation (`devices:VerifyDigest`). */
export interface LedgerWitness {
  readonly match: boolean;
  readonly trusted: boolean;
  readonly ownerMsp: string;
  readonly deviceStatus: string;
  readonly statementKind: string;
}

/** A named check and, when it fails, why. */
export type Check = readonly [name: string, ok: boolean, problem: string];

export function verdict(
  kind: EvidenceVerdict['kind'],
  ref: { deviceDid: string; seq: number },
  checks: readonly Check[],
  witness: LedgerWitness | undefined,
): EvidenceVerdict {
  return {
    verified: checks.every(([, ok]) => ok),
    kind,
    deviceDid: ref.deviceDid,
    seq: ref.seq,
    checks: Object.fromEntries(checks.map(([n, ok]) => [n, ok])),
    problems: checks.filter(([, ok]) => !ok).map(([, , p]) => p),
    ownerMsp: witness?.ownerMsp ?? null,
    deviceStatus: witness?.deviceStatus ?? null,
  };
}

/** The ledger's checks of an attestation, shared by both kinds of evidence. */
export function ledgerChecks(
  witness: LedgerWitness | undefined,
  why: string,
  expected: { kind: string; mallMspId: string },
): Check[] {
  return [
    ['anchored', witness?.match === true, witness ? 'the digest is not the one the device signed on the ledger' : why],
    ['trusted', witness?.trusted === true, 'the statement was measured after the device or its key was compromised'],
    ['kind', witness?.statementKind === expected.kind, `the attestation is not of kind ${expected.kind}`],
    [
      'owner',
      witness?.ownerMsp === expected.mallMspId,
      `the device belongs to ${witness?.ownerMsp ?? 'nobody known'}, not ${expected.mallMspId}`,
    ],
  ];
}

/** Checks of traffic evidence that need no ledger: the records hash to the digest and hold the figure. */
export function trafficChecks(e: TrafficEvidence): Check[] {
  const rec = e.records[e.position];
  const figureOk =
    rec !== undefined &&
    rec.siteKey === e.siteKey &&
    rec.dataTime === e.dataTime &&
    String(rec.interval) === e.interval &&
    rec.inNum === e.figure.inNum &&
    rec.outNum === e.figure.outNum &&
    (rec.throughNum ?? null) === e.figure.throughNum;
  return [
    ['digest', recordsDigest(e.records) === e.digest, 'the records do not hash to the digest'],
    ['figure', figureOk, `record ${e.position} is not the figure of ${e.siteKey} ${e.dataTime} ${e.interval}`],
  ];
}

/** The ledger reference Haide receipts accrue under (`points:Accrue` sourceRef). */
export function haideSourceRef(orgCode: string, receipt: Readonly<Record<string, unknown>>): string {
  return `haide:${orgCode}/${String(receipt.posNo)}/${String(receipt.flowNo)}`;
}

/** The e-receipt's digest is that of the receipt it is attached to. */
export function eReceiptDigestCheck(e: EReceiptEvidence): Check {
  return [
    'digest',
    e.receipt.eReceipt !== undefined && receiptDigest(e.receipt) === e.receipt.eReceipt.digest,
    'eReceipt.digest is not the digest of the receipt',
  ];
}
