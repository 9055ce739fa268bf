/**
 * Records the points contract keeps on the ledger and the keys they live at. Every key is
 * per event or per member (lot, accrual, redemption, nonce, history line): no key is written
 * by every transaction, so concurrent work for different members never collides.
 */
import { Context } from 'fabric-contract-api';
import { PEER_TIME_WINDOW_MS } from '../common/clock';
import { ChaincodeError, ErrorCode } from '../common/errors';
import { key } from '../common/state';

export const MERCHANT_CATEGORIES = ['retail', 'food', 'parking'] as const;
export type MerchantCategory = (typeof MERCHANT_CATEGORIES)[number];

export interface Program {
  programId: string;
  issuer: string;
  name: string;
  /** Liability per point in fen: what the issuer owes a mall that redeems one point. */
  unitValueFen: number;
  /** A scheduled change of `unitValueFen`: it applies from `effectiveAt` (after the notice period). */
  nextUnitValue?: { unitValueFen: number; effectiveAt: string };
  expiryMonths: number;
  returnWindowDays: number;
  createdAt: string;
  updatedAt: string;
}

export interface Merchant {
  merchantId: string;
  mall: string;
  name: string;
  category: MerchantCategory;
  /** The program the merchant earns through (always its own mall's program). */
  programId: string;
  status: 'active' | 'suspended';
  createdAt: string;
  updatedAt: string;
}

/** `consolidation`: a merge of one member's lots of one expiry day (ConsolidateLots). */
export type LotOrigin = 'accrual' | 'transfer' | 'exchange' | 'consolidation';

/** A parcel of points with one expiry date. Every point of `amount` ends in exactly one bucket. */
export interface Lot {
  lotId: string;
  member: string;
  programId: string;
  origin: LotOrigin;
  /** Receipt key for accruals, transaction reference for transfers and exchanges. */
  sourceRef: string;
  amount: number;
  remaining: number;
  redeemed: number;
  reversed: number;
  expired: number;
  /** Moved to another member (transfer) or converted into another program (exchange). */
  movedOut: number;
  earnedAt: string;
  availableAt: string;
  expiresAt: string;
}

export interface AccrualRecord {
  programId: string;
  sourceRef: string;
  member: string;
  amount: number;
  merchant?: string;
  /** The device attestation (a signed e-receipt) the points were earned on, when the receipt carried one. */
  attestation?: { deviceDid: string; seq: number };
  lotId: string;
  txId: string;
  earnedAt: string;
  reversed: number;
}

export interface ReversalRecord {
  programId: string;
  reversalRef: string;
  sourceRef: string;
  member: string;
  lotId: string;
  amount: number;
  txId: string;
  at: string;
}

/** A debit adjustment: points taken back by the issuer with its reason code (adjustment.ts). */
export interface AdjustmentRecord {
  programId: string;
  member: string;
  amount: number;
  reasonCode: string;
  ref: string;
  takes: LotTake[];
  txId: string;
  at: string;
}

/** Points taken from one lot by a spend (redeem, transfer, exchange). */
export interface LotTake {
  lotId: string;
  points: number;
}

export interface RedemptionRecord {
  merchant: string;
  ref: string;
  mall: string;
  programId: string;
  issuer: string;
  member: string;
  amount: number;
  valueFen: number;
  takes: LotTake[];
  clearingKey?: string;
  txId: string;
  at: string;
}

export interface TransferRecord {
  programId: string;
  from: string;
  to: string;
  amount: number;
  nonce: string;
  takes: LotTake[];
  txId: string;
  at: string;
}

/** A ConsolidateLots merge: the source lots (now empty, `movedOut`) and the one lot they became. */
export interface ConsolidationRecord {
  programId: string;
  member: string;
  lotId: string;
  points: number;
  expiresAt: string;
  sources: LotTake[];
  txId: string;
  at: string;
}

export interface RateRecord {
  fromProgram: string;
  toProgram: string;
  /** `toAmount = amount × numerator / denominator`, exactly (no fractional points). */
  numerator: number;
  denominator: number;
  /** Fen per received point of `toProgram` that the source issuer owes: fixed by both approvals. */
  unitValueFen: number;
  status: 'proposed' | 'approved';
  proposedBy: string;
  approvedBy?: string;
  updatedAt: string;
}

export interface ExchangeRecord {
  member: string;
  fromProgram: string;
  toProgram: string;
  amount: number;
  received: number;
  numerator: number;
  denominator: number;
  nonce: string;
  takes: LotTake[];
  lotId: string;
  clearingKey?: string;
  txId: string;
  at: string;
}

export interface BreakageRecord {
  programId: string;
  issuer: string;
  points: number;
  valueFen: number;
  lots: LotTake[];
  txId: string;
  at: string;
}

export type ClearingKind = 'redemption' | 'exchange';

/** `debtor` owes `creditor` `amountFen`; settled by netting over a closed period. */
export interface ClearingEntry {
  kind: ClearingKind;
  debtor: string;
  creditor: string;
  amountFen: number;
  points: number;
  programId: string;
  ref: string;
  txId: string;
  at: string;
}

export interface HistoryLine {
  member: string;
  type:
    | 'accrue'
    | 'reverse'
    | 'adjust'
    | 'redeem'
    | 'transfer-out'
    | 'transfer-in'
    | 'exchange-out'
    | 'exchange-in'
    | 'expire';
  programId: string;
  /** Signed change of the member's balance in that program. */
  points: number;
  ref: string;
  txId: string;
  at: string;
}

/** The unit value of a program in force at `ms` (a scheduled change applies from its `effectiveAt`). */
export function unitValueAt(program: Program, ms: number): number {
  const next = program.nextUnitValue;
  return next && Date.parse(next.effectiveAt) <= ms ? next.unitValueFen : program.unitValueFen;
}

/**
 * The unit value that values a clearing entry (redemption, exchange) at `ms`. Within the peer
 * time window on either side of a scheduled change it is refused (`POINTS_UNIT_VALUE_CHANGING`):
 * there the submitter's own choice of timestamp would decide which value applies. Outside it, a
 * transaction's time lies on the same side of the change as the moment it was really sent.
 */
export function clearingUnitValueAt(program: Program, ms: number): number {
  const next = program.nextUnitValue;
  if (next && Math.abs(ms - Date.parse(next.effectiveAt)) < PEER_TIME_WINDOW_MS) {
    throw pointsError(
      'POINTS_UNIT_VALUE_CHANGING',
      `the unit value of ${program.programId} changes at ${next.effectiveAt}: transactions valued by it are refused from ${PEER_TIME_WINDOW_MS / 60_000} minutes before to ${PEER_TIME_WINDOW_MS / 60_000} minutes after`,
    );
  }
  return unitValueAt(program, ms);
}

/** A points refusal; the type keeps every code under the `POINTS_` prefix. */
export function pointsError(code: Extract<ErrorCode, `POINTS_${string}`>, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}

/** Composite-key object types used by this contract. */
export const K = {
  program: 'pprog',
  merchant: 'pmerch',
  lot: 'plot',
  /** Lots with nothing left, moved out of the member's live range (compaction). */
  spentLot: 'plote',
  expiryIndex: 'pexpidx',
  accrual: 'pacc',
  reversal: 'prev',
  adjustment: 'padj',
  redemption: 'predm',
  transfer: 'pxfer',
  consolidation: 'pcons',
  rate: 'prate',
  exchange: 'pexch',
  breakage: 'pbrk',
  nonce: 'pnonce',
  history: 'phist',
  statement: 'pstmt',
  confirmation: 'pconf',
  /** ID namespaces claimed by a mall (namespace.ts). */
  namespace: 'pns',
} as const;

/** Key of a program. */
export const programKey = (ctx: Context, programId: string): string => key(ctx, K.program, programId);
/** Key of a merchant. */
export const merchantKey = (ctx: Context, merchantId: string): string => key(ctx, K.merchant, merchantId);
/** Key of a lot, under its member so that members never share a key. */
export const lotKey = (ctx: Context, member: string, programId: string, lotId: string): string =>
  key(ctx, K.lot, member, programId, lotId);
/** Key of a lot once it is empty: kept for the record, out of the live range spending reads. */
export const spentLotKey = (ctx: Context, member: string, programId: string, lotId: string): string =>
  key(ctx, K.spentLot, member, programId, lotId);
/** Expiry-index key of a lot: sorts by expiry time within the program. */
export const expiryIndexKey = (ctx: Context, lot: Lot): string =>
  key(ctx, K.expiryIndex, lot.programId, lot.expiresAt, lot.member, lot.lotId);
/** Key of an accrual: the idempotency key of a receipt. */
export const accrualKey = (ctx: Context, programId: string, sourceRef: string): string =>
  key(ctx, K.accrual, programId, sourceRef);
/** Key of a reversal: the idempotency key of a return. */
export const reversalKey = (ctx: Context, programId: string, reversalRef: string): string =>
  key(ctx, K.reversal, programId, reversalRef);
/** Key of a redemption: the idempotency key at the merchant. */
export const redemptionKey = (ctx: Context, merchantId: string, ref: string): string =>
  key(ctx, K.redemption, merchantId, ref);
/** Key of a used consent nonce, under its member. */
export const nonceKey = (ctx: Context, member: string, nonce: string): string => key(ctx, K.nonce, member, nonce);
/** Key of the exchange rate from one program to another. */
export const rateKey = (ctx: Context, fromProgram: string, toProgram: string): string =>
  key(ctx, K.rate, fromProgram, toProgram);
