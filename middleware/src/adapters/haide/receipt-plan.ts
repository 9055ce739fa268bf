import { DeviceProofError } from '../../common/errors';
import type { IntakeRequest } from '../../intake/intake.types';
import type { PointsLedger } from '../../ledger/domain/points.ledger';
import { type EarnRule, earnedPoints } from '../../points/earn-rule';
import { CUSTODIAL_CREATE_KIND } from '../../points/custodial-dids.service';
import type { TillView } from '../../points/registry.service';
import { shanghaiBusinessDate } from '../../points/shanghai-time';
import type { AttestationRef, VerifiedEReceipt } from './e-receipt.anchor';
import type { HaideEnvelope } from './haide-envelope';
import { type ReceiptOutcome, parkedAnswer, refusedProof, rejected, repeated } from './receipt-answers';
import type { StoredReceipt } from './receipt.store';
import type { HaideReceipt } from './receipt.validator';
import { decideParked, reversalOf, type Taken } from './returns';

/** The intake kind of receipts; natural key `orgCode/posNo/flowNo`. */
export const RECEIPT_KIND = 'haide.receipt';

export function receiptKey(orgCode: string, posNo: string, flowNo: string): string {
  return `${orgCode}/${posNo}/${flowNo}`;
}

/** The ledger reference of a receipt (accrual sourceRef, reversal reversalRef). */
export function receiptRef(orgCode: string, posNo: string, flowNo: string): string {
  return `haide:${receiptKey(orgCode, posNo, flowNo)}`;
}

type Row = { -readonly [K in keyof StoredReceipt]: StoredReceipt[K] };

/** A receipt row of this request: stored by the plan's one insert; `request` gives it its tracking ID. */
export interface PlannedRow {
  readonly index: number;
  readonly row: Row;
  parked: boolean;
  dropped: boolean;
  /** Why a dropped row (a return of this request its sale refused) is not stored: its answer. */
  refusal?: ReceiptOutcome;
  request?: IntakeRequest;
}

/** A parked return already stored, decided by its sale in this request. */
export interface PlannedRelease {
  readonly row: Row;
  request?: IntakeRequest;
}

/** An intake item of the plan and the receipt (by index in the request) it belongs to. */
export interface PlannedRequest {
  readonly index: number;
  readonly request: IntakeRequest;
  /** Set when the item anchors the receipt's e-receipt (a refusal is then `PROOF_CONFLICT`). */
  readonly attestation?: AttestationRef;
}

/** A receipt's answer now, its stored row (answered `accepted` once written), or an answer built after the writes. */
export type Decided = ReceiptOutcome | PlannedRow | { readonly later: () => ReceiptOutcome };

/** What was read once for the whole request, before its transaction. */
export interface Lookups {
  readonly tills: ReadonlyMap<string, TillView>;
  readonly holders: ReadonlyMap<string, { did: string; custodial: boolean }>;
  readonly rules: ReadonlyMap<string, EarnRule>;
  /** Checked e-receipts (or their refusal), by index in the request. */
  readonly proofs: ReadonlyMap<number, VerifiedEReceipt | DeviceProofError>;
  /** The intake item that anchors a checked e-receipt. */
  readonly attestation: (v: VerifiedEReceipt) => IntakeRequest;
}

/** Points a sale earns, for whom, and whether that member's DID is custodial (held by this mall). */
interface Earned {
  readonly member?: string;
  readonly custodial?: boolean;
  readonly points: number;
}

interface Parked {
  readonly row: Row;
  /** Set when the parked return is one of this request (not stored yet). */
  readonly planned?: PlannedRow;
  readonly release?: PlannedRelease;
}

/**
 * The decisions of one request's receipts, in order, against what is stored (read under the sales' locks) and what
 * the request's earlier receipts decided: a return later in the request sees its sale, a sale releases the returns
 * parked for it (earlier in the request or stored). Nothing is written here; the plan lists the rows, releases,
 * discards and intake items that the caller writes in one transaction.
 */
export class ReceiptPlan {
  readonly rows: PlannedRow[] = [];
  readonly releases: PlannedRelease[] = [];
  readonly discards: StoredReceipt[] = [];
  /** Stored parked returns refused by their sale: counted as rejected (a refused return of this request is answered so). */
  readonly refused: StoredReceipt[] = [];
  readonly requests: PlannedRequest[] = [];
  /** One row object per key: a release updates the row a repeat of it in this request is answered from. */
  readonly #known = new Map<string, Row>();
  /** Stored parked returns their sale refused in this request: the answer of a copy of one pushed with the sale. */
  readonly #gone = new Map<string, ReceiptOutcome>();
  readonly #taken = new Map<string, Taken>();
  readonly #parked = new Map<string, Parked[]>();

  constructor(
    private readonly env: HaideEnvelope,
    private readonly ledger: PointsLedger,
    private readonly lookups: Lookups,
    known: ReadonlyMap<string, StoredReceipt>,
    returns: readonly (StoredReceipt & { parked: boolean })[],
  ) {
    for (const r of known.values()) this.#known.set(this.#key(r.posNo, r.flowNo), { ...r });
    for (const r of returns) {
      const saleKey = this.#key(r.posNo, r.backFlowNo ?? '');
      if (r.parked) {
        const { parked: _parked, ...stored } = r;
        const release: PlannedRelease = { row: this.#known.get(this.#key(r.posNo, r.flowNo)) ?? stored };
        this.#parkedOf(saleKey).push({ row: release.row, release });
      } else this.#take(saleKey, r.realAmtFen, r.points);
    }
  }

  /** The receipt stored under this key (before or earlier in this request), if any. */
  known(posNo: string, flowNo: string): StoredReceipt | undefined {
    return this.#known.get(this.#key(posNo, flowNo));
  }

  /**
   * Decides one valid receipt; a `PlannedRow`, and a repeat of a receipt of this request, are answered once the
   * intake gave the row its tracking ID.
   */
  decide(index: number, r: HaideReceipt, hash: string): Decided {
    const known = this.known(r.posNo, r.flowNo);
    if (known) {
      const key = this.#key(r.posNo, r.flowNo);
      return { later: () => (known.contentHash === hash ? this.#gone.get(key) : undefined) ?? repeated(known, hash) };
    }
    const till = this.lookups.tills.get(r.posNo);
    if (!till) return rejected(r.posNo, r.flowNo, `posNo ${r.posNo}: unknown till of ${this.env.orgCode}`);
    return r.txType === 'SALE' ? this.#sale(index, r, hash, till) : this.#return(index, r, hash, till);
  }

  /**
   * A sale: its accrual, and the reversals of the returns parked for it (pushed before it), decided in arrival
   * order; all go to the intake in the request's one transaction with the sale's row and the parked rows' release,
   * so a crash leaves either all of them or none (the POS then re-pushes the sale).
   */
  #sale(index: number, r: HaideReceipt, hash: string, till: TillView): ReceiptOutcome | PlannedRow {
    const earned = this.#salePoints(r, till);
    if (typeof earned === 'string') return rejected(r.posNo, r.flowNo, earned);
    const proof = this.lookups.proofs.get(index);
    if (proof instanceof DeviceProofError) return refusedProof(r.posNo, r.flowNo, proof);
    const saleKey = this.#key(r.posNo, r.flowNo);
    const planned = this.#plan(index, this.#row(r, hash, till, earned.points, earned.member), false);
    this.#attestation(index, proof);
    planned.request = this.#accrual(index, r, till, earned, proof);
    const parked = this.#parked.get(saleKey) ?? [];
    this.#parked.delete(saleKey);
    const { decided, refused, taken } = decideParked(parked, planned.row);
    for (const { parked: p, points } of decided) {
      p.row.points = points;
      p.row.memberDid = earned.member ?? null;
      const request = this.#reversal(index, saleKey, till.programId, earned.member, p.row, points);
      if (p.planned) {
        p.planned.parked = false;
        p.planned.request = request;
      } else if (p.release) {
        p.release.request = request;
        this.releases.push(p.release);
      }
    }
    const left = planned.row.realAmtFen - taken.fen;
    for (const p of refused) {
      if (p.planned) this.#drop(p.planned, left);
      else {
        this.discards.push(p.row);
        this.refused.push(p.row);
        this.#gone.set(this.#key(p.row.posNo, p.row.flowNo), this.#overReturn(p.row, left));
      }
      this.#known.delete(this.#key(p.row.posNo, p.row.flowNo));
    }
    this.#take(saleKey, taken.fen, taken.points);
    return planned;
  }

  /**
   * A return of this request parked and then refused by its sale later in the request: not stored, its e-receipt not
   * anchored, and answered with the refusal a re-push would get (it was not answered yet).
   */
  #drop(planned: PlannedRow, left: number): void {
    planned.dropped = true;
    planned.refusal = this.#overReturn(planned.row, left);
    const k = this.requests.findIndex((q) => q.index === planned.index && q.attestation !== undefined);
    if (k >= 0) this.requests.splice(k, 1);
  }

  #overReturn(row: StoredReceipt, left: number): ReceiptOutcome {
    const msg = `realAmt: more than the ${left} fen left of sale ${row.backFlowNo ?? ''}`;
    return rejected(row.posNo, row.flowNo, msg);
  }

  #salePoints(r: HaideReceipt, till: TillView): Earned | string {
    if (r.cardNo === undefined) return { points: 0 };
    const holder = this.lookups.holders.get(r.cardNo);
    if (holder === undefined) return `cardNo ${r.cardNo}: no member has this card`;
    const { did: member, custodial } = holder;
    if (r.score !== undefined) return { member, custodial, points: r.score };
    const rule = this.lookups.rules.get(till.programId);
    if (!rule) return `score is absent and program ${till.programId} has no earn rule`;
    return {
      member,
      custodial,
      points: earnedPoints({ realAmtFen: r.realAmtFen, category: till.category, payments: r.payments }, rule),
    };
  }

  /** A return: decided against its sale; parked when the sale has not arrived. */
  #return(index: number, r: HaideReceipt, hash: string, till: TillView): Decided {
    const saleFlowNo = r.backFlowNo ?? '';
    const saleKey = this.#key(r.posNo, saleFlowNo);
    const sale = this.known(r.posNo, saleFlowNo);
    if (sale === undefined) return this.#park(index, r, hash, till, saleKey);
    const points = this.#returnPoints(r, sale, saleKey);
    if (typeof points !== 'number') return points;
    // A return slip the printer signed is anchored too (it names no accrual: the reversal names the sale).
    const proof = this.lookups.proofs.get(index);
    if (proof instanceof DeviceProofError) return refusedProof(r.posNo, r.flowNo, proof);
    const planned = this.#plan(index, this.#row(r, hash, till, points, sale.memberDid ?? undefined), false);
    this.#attestation(index, proof);
    if (sale.memberDid !== null && points > 0) planned.request = this.#returnReversal(index, r, sale, points);
    this.#take(saleKey, r.realAmtFen, points);
    return planned;
  }

  /** What a return pushed after its sale reverses, or why it is refused. */
  #returnPoints(r: HaideReceipt, sale: StoredReceipt, saleKey: string): number | ReceiptOutcome {
    const saleFlowNo = r.backFlowNo ?? '';
    if (sale.txType !== 'SALE')
      return rejected(r.posNo, r.flowNo, `backFlowNo ${saleFlowNo}: ${r.posNo}/${saleFlowNo} is a return, not a sale`);
    const taken = this.#taken.get(saleKey) ?? { fen: 0, points: 0 };
    const points = reversalOf(sale, taken, r.realAmtFen);
    if (points !== undefined) return points;
    const left = sale.realAmtFen - taken.fen;
    return rejected(r.posNo, r.flowNo, `realAmt: more than the ${left} fen left of sale ${saleFlowNo}`);
  }

  /** The `points:Reverse` item of a return pushed after its sale. */
  #returnReversal(index: number, r: HaideReceipt, sale: StoredReceipt, points: number): IntakeRequest {
    const saleFlowNo = r.backFlowNo ?? '';
    const call = this.ledger.reverse({
      programId: sale.programId,
      sourceRef: receiptRef(this.env.orgCode, r.posNo, saleFlowNo),
      reversalRef: receiptRef(this.env.orgCode, r.posNo, r.flowNo),
      amount: points,
    });
    // After the sale's own accrual has committed (the reversal names it), and after earlier returns of the sale.
    return this.#request(index, {
      kind: RECEIPT_KIND,
      naturalKey: receiptKey(this.env.orgCode, r.posNo, r.flowNo),
      payload: r.raw,
      orderingKey: this.#key(r.posNo, saleFlowNo),
      after: { kind: RECEIPT_KIND, naturalKey: this.#key(r.posNo, saleFlowNo) },
      ...call,
    });
  }

  /**
   * A return whose sale has not arrived: accepted and stored parked, with no points yet; the sale decides it (the
   * sales' locks make the sale see it). Its e-receipt is anchored now.
   */
  #park(index: number, r: HaideReceipt, hash: string, till: TillView, saleKey: string): Decided {
    const proof = this.lookups.proofs.get(index);
    if (proof instanceof DeviceProofError) return refusedProof(r.posNo, r.flowNo, proof);
    const planned = this.#plan(index, this.#row(r, hash, till, 0, undefined), true);
    this.#attestation(index, proof);
    this.#parkedOf(saleKey).push({ row: planned.row, planned });
    // Answered parked, as when pushed before its sale, unless its sale later in this request refuses it.
    return { later: () => planned.refusal ?? parkedAnswer(r.posNo, r.flowNo, r.backFlowNo ?? '') };
  }

  /** The sale's `points:Accrue` item, when it earns points for a member. */
  #accrual(
    index: number,
    r: HaideReceipt,
    till: TillView,
    earned: Earned,
    proof: VerifiedEReceipt | undefined,
  ): IntakeRequest | undefined {
    if (earned.member === undefined || earned.points <= 0) return undefined;
    const call = this.ledger.accrue({
      programId: till.programId,
      member: earned.member,
      amount: earned.points,
      sourceRef: receiptRef(this.env.orgCode, r.posNo, r.flowNo),
      merchant: till.merchantId,
      ...(proof === undefined ? {} : { attestation: proof.ref }),
    });
    // A DID this mall created at enrolment may still be on its way to the ledger: credit it only after its CreateDid.
    const after =
      earned.custodial === true ? { after: { kind: CUSTODIAL_CREATE_KIND, naturalKey: earned.member } } : {};
    return this.#request(index, {
      kind: RECEIPT_KIND,
      naturalKey: receiptKey(this.env.orgCode, r.posNo, r.flowNo),
      payload: r.raw,
      ...call,
      ...after,
    });
  }

  /** The `points:Reverse` item of a parked return its sale decided, when it reverses something. */
  #reversal(
    index: number,
    saleKey: string,
    programId: string,
    member: string | undefined,
    row: StoredReceipt,
    points: number,
  ): IntakeRequest | undefined {
    if (member === undefined || points <= 0) return undefined;
    return this.#request(index, {
      kind: RECEIPT_KIND,
      naturalKey: receiptKey(this.env.orgCode, row.posNo, row.flowNo),
      // The return was parked without its raw body; its content hash names exactly what was received.
      payload: { parkedReturn: row.contentHash, releasedBy: saleKey },
      orderingKey: saleKey,
      after: { kind: RECEIPT_KIND, naturalKey: saleKey },
      ...this.ledger.reverse({
        programId,
        sourceRef: `haide:${saleKey}`,
        reversalRef: receiptRef(this.env.orgCode, row.posNo, row.flowNo),
        amount: points,
      }),
    });
  }

  /** Queues a checked e-receipt as a device attestation, ordered by the printer's DID. */
  #attestation(index: number, v: VerifiedEReceipt | undefined): void {
    if (v === undefined) return;
    this.requests.push({ index, attestation: v.ref, request: this.lookups.attestation(v) });
  }

  #request(index: number, request: IntakeRequest): IntakeRequest {
    this.requests.push({ index, request });
    return request;
  }

  #plan(index: number, row: Row, parked: boolean): PlannedRow {
    const planned: PlannedRow = { index, row, parked, dropped: false };
    this.rows.push(planned);
    this.#known.set(this.#key(row.posNo, row.flowNo), row);
    return planned;
  }

  #row(r: HaideReceipt, hash: string, till: TillView, points: number, member: string | undefined): Row {
    return {
      orgCode: this.env.orgCode,
      posNo: r.posNo,
      flowNo: r.flowNo,
      contentHash: hash,
      txType: r.txType,
      ocrTime: r.ocrTime,
      businessDate: shanghaiBusinessDate(r.ocrTime),
      realAmtFen: r.realAmtFen,
      points,
      trackingId: null,
      backFlowNo: r.backFlowNo ?? null,
      memberDid: member ?? null,
      programId: till.programId,
      merchantId: till.merchantId,
      appId: this.env.appId,
    };
  }

  #take(saleKey: string, fen: number, points: number): void {
    const t = this.#taken.get(saleKey) ?? { fen: 0, points: 0 };
    this.#taken.set(saleKey, { fen: t.fen + fen, points: t.points + points });
  }

  #parkedOf(saleKey: string): Parked[] {
    let list = this.#parked.get(saleKey);
    if (!list) this.#parked.set(saleKey, (list = []));
    return list;
  }

  #key(posNo: string, flowNo: string): string {
    return receiptKey(this.env.orgCode, posNo, flowNo);
  }
}
