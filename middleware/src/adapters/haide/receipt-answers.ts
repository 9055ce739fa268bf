import type { DeviceProofError } from '../../common/errors';
import { parseShanghaiTime, shanghaiBusinessDate } from '../../points/shanghai-time';
import type { StoredReceipt } from './receipt.store';
import { isRecord } from './receipt.validator';

export type ReceiptStatus = 'accepted' | 'duplicate' | 'rejected';

/** Per receipt in the answer (DOMAIN.md); `httpStatus` is what a single-receipt request answers with. */
export interface ReceiptResult {
  readonly posNo: string;
  readonly flowNo: string;
  readonly status: ReceiptStatus;
  readonly trackingId: string | null;
  readonly points: number;
  readonly message: string;
}

export interface ReceiptOutcome {
  readonly result: ReceiptResult;
  readonly httpStatus: 200 | 202 | 400 | 409;
}

export function rejected(posNo: string, flowNo: string, message: string): ReceiptOutcome {
  return { httpStatus: 400, result: { posNo, flowNo, status: 'rejected', trackingId: null, points: 0, message } };
}

/** A refused e-receipt: the `PROOF_*` code leads the message (400, or 409 for an inactive printer or a reused seq). */
export function refusedProof(posNo: string, flowNo: string, e: DeviceProofError): ReceiptOutcome {
  return {
    httpStatus: e.status === 409 ? 409 : 400,
    result: { posNo, flowNo, status: 'rejected', trackingId: null, points: 0, message: `${e.code}: ${e.message}` },
  };
}

export function conflict(posNo: string, flowNo: string, message: string): ReceiptOutcome {
  return {
    httpStatus: 409,
    result: { posNo, flowNo, status: 'rejected', trackingId: null, points: 0, message: `conflict: ${message}` },
  };
}

/** The same key again: the original outcome when the content is the same, else a conflict. */
export function repeated(known: StoredReceipt, hash: string): ReceiptOutcome {
  if (known.contentHash !== hash)
    return conflict(
      known.posNo,
      known.flowNo,
      `receipt ${known.posNo}/${known.flowNo} was already received with other content`,
    );
  return {
    httpStatus: 200,
    result: {
      posNo: known.posNo,
      flowNo: known.flowNo,
      status: 'duplicate',
      trackingId: known.trackingId,
      points: known.points,
      message: 'duplicate',
    },
  };
}

/** A receipt stored now, with what it did to points. */
export function accepted(row: StoredReceipt): ReceiptOutcome {
  return {
    httpStatus: 202,
    result: {
      posNo: row.posNo,
      flowNo: row.flowNo,
      status: 'accepted',
      trackingId: row.trackingId,
      points: row.points,
      message: 'accepted',
    },
  };
}

/** A return stored parked: accepted, waiting for its sale. */
export function parkedAnswer(posNo: string, flowNo: string, saleFlowNo: string): ReceiptOutcome {
  return {
    httpStatus: 202,
    result: {
      posNo,
      flowNo,
      status: 'accepted',
      trackingId: null,
      points: 0,
      message: `accepted: waiting for sale ${saleFlowNo} on ${posNo} (parked)`,
    },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Receipts answered duplicate or rejected, by till and business day (the receipt's, else today's). */
export function unstored(
  items: readonly unknown[],
  out: readonly ReceiptOutcome[],
): { posNo: string; businessDate: string; outcome: string }[] {
  const today = shanghaiBusinessDate(new Date());
  return out.flatMap((o, i) => {
    if (o.result.status === 'accepted') return [];
    const item = items[i];
    const raw = isRecord(item) ? item : {};
    const at = parseShanghaiTime(raw.ocrTime);
    return [
      {
        posNo: str(raw.posNo).slice(0, 40),
        businessDate: at ? shanghaiBusinessDate(at) : today,
        outcome: o.result.status,
      },
    ];
  });
}
