import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, DeviceProofError } from '../../common/errors';
import { contentHash } from '../../intake/group-commit.writer';
import { IntakeService } from '../../intake/intake.service';
import type { IntakeAck, IntakeRequest } from '../../intake/intake.types';
import { PointsLedger } from '../../ledger/domain/points.ledger';
import { earnedPoints } from '../../points/earn-rule';
import { MembersService } from '../../points/members.service';
import { PointsRegistryService, type TillView } from '../../points/registry.service';
import { returnReversal } from '../../points/reversal';
import { parseShanghaiTime, shanghaiBusinessDate } from '../../points/shanghai-time';
import { type AttestationRef, EReceiptAnchor } from './e-receipt.anchor';
import { ReconciliationStore } from './reconciliation.store';
import { CUSTODIAL_CREATE_KIND } from '../../points/custodial-dids.service';
import type { HaideEnvelope } from './haide-envelope';
import { ReceiptStore, type StoredReceipt } from './receipt.store';
import { type HaideReceipt, isRecord, receiptProblems, toReceipt } from './receipt.validator';

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

/** Points a sale earns, for whom, and whether that member's DID is custodial (held by this mall). */
interface Earned {
  readonly member?: string;
  readonly custodial?: boolean;
  readonly points: number;
}

/** The intake kind of receipts; natural key `orgCode/posNo/flowNo`. */
export const RECEIPT_KIND = 'haide.receipt';

export function receiptKey(orgCode: string, posNo: string, flowNo: string): string {
  return `${orgCode}/${posNo}/${flowNo}`;
}

/** The ledger reference of a receipt (accrual sourceRef, reversal reversalRef). */
export function receiptRef(orgCode: string, posNo: string, flowNo: string): string {
  return `haide:${receiptKey(orgCode, posNo, flowNo)}`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Receipts of a Haide-style POS: validated, deduplicated on (orgCode, posNo, flowNo), turned into points
 * through the till's program (a sale accrues, a return reverses in proportion), and handed to the durable
 * intake. Each receipt stands alone: a bad one is named, the others are stored.
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly receipts: ReceiptStore,
    private readonly registry: PointsRegistryService,
    private readonly members: MembersService,
    private readonly ledger: PointsLedger,
    private readonly intake: IntakeService,
    private readonly counts: ReconciliationStore,
    private readonly eReceipts: EReceiptAnchor,
  ) {}

  /** In order: a return later in the same batch sees its sale. Duplicates and rejections are counted per till-day. */
  async push(
    env: HaideEnvelope,
    items: readonly unknown[],
    prefixOf: (index: number) => string = () => '',
  ): Promise<ReceiptOutcome[]> {
    const out: ReceiptOutcome[] = [];
    for (const [i, item] of items.entries()) out.push(await this.#one(env, item, prefixOf(i)));
    await this.counts.count(env.orgCode, unstored(items, out));
    return out;
  }

  async #one(env: HaideEnvelope, item: unknown, prefix: string): Promise<ReceiptOutcome> {
    if (!isRecord(item)) return rejected('', '', `${prefix || 'data '}must be an object`);
    const problems = receiptProblems(item, prefix);
    if (problems.length > 0) return rejected(str(item.posNo), str(item.flowNo), problems.join('; '));
    const receipt = toReceipt(item);
    const hash = contentHash(item);
    const known = await this.receipts.find(env.orgCode, receipt.posNo, receipt.flowNo);
    if (known) return repeated(known, hash);
    const till = await this.registry.till(env.orgCode, receipt.posNo);
    if (!till) return rejected(receipt.posNo, receipt.flowNo, `posNo ${receipt.posNo}: unknown till of ${env.orgCode}`);
    try {
      return receipt.txType === 'SALE'
        ? await this.#sale(env, receipt, hash, till)
        : await this.#return(env, receipt, hash, till);
    } catch (e) {
      if (e instanceof ConflictError) return conflict(receipt.posNo, receipt.flowNo, e.message);
      if (e instanceof DeviceProofError) return refusedProof(receipt, e);
      throw e;
    }
  }

  /** Checks the e-receipt, then queues its attestation: a refusal leaves nothing of the receipt stored. */
  async #attest(r: HaideReceipt): Promise<AttestationRef | undefined> {
    if (r.eReceipt === undefined) return undefined;
    const verified = await this.eReceipts.verify(r.raw, r.eReceipt);
    await this.eReceipts.queue(verified);
    return verified.ref;
  }

  async #salePoints(r: HaideReceipt, till: TillView): Promise<Earned | string> {
    if (r.cardNo === undefined) return { points: 0 };
    const holder = await this.members.cardMember(r.cardNo);
    if (holder === undefined) return `cardNo ${r.cardNo}: no member has this card`;
    const member = holder.did;
    const custodial = holder.custodial;
    if (r.score !== undefined) return { member, custodial, points: r.score };
    const rule = await this.registry.earnRule(till.programId);
    if (!rule) return `score is absent and program ${till.programId} has no earn rule`;
    return {
      member,
      custodial,
      points: earnedPoints({ realAmtFen: r.realAmtFen, category: till.category, payments: r.payments }, rule),
    };
  }

  /**
   * A sale, under its lock: its accrual, and the reversals of the returns parked for it (pushed before it), decided
   * in arrival order, go to the intake in ONE transaction with the sale's row and the parked rows' release, so a
   * crash leaves either all of them or none (the POS then re-pushes the sale).
   */
  async #sale(env: HaideEnvelope, r: HaideReceipt, hash: string, till: TillView): Promise<ReceiptOutcome> {
    const earned = await this.#salePoints(r, till);
    if (typeof earned === 'string') return rejected(r.posNo, r.flowNo, earned);
    const attestation = await this.#attest(r);
    const saleKey = receiptKey(env.orgCode, r.posNo, r.flowNo);
    const outcome = await this.receipts.withSaleLock(saleKey, async (q) => {
      const known = await this.receipts.find(env.orgCode, r.posNo, r.flowNo, q);
      if (known) return { outcome: repeated(known, hash), released: false };
      const accrual = this.#accrual(env.orgCode, r, till, earned, attestation);
      const refused: StoredReceipt[] = [];
      const parked = await this.receipts.parkedOf(env.orgCode, r.posNo, r.flowNo, q);
      const decided = decideParked(parked, { points: earned.points, amountFen: r.realAmtFen }, refused);
      const reversals = this.#reversals(env.orgCode, saleKey, till.programId, earned.member, decided);
      const reqs = [...(accrual ? [accrual] : []), ...reversals.map((d) => d.request)];
      const acks = await this.#acceptAll(q, reqs);
      await this.#settleParked(q, env.orgCode, earned.member, decided, reversals, acks, refused);
      const saleAck = accrual ? acks.get(accrual) : undefined;
      const row = stored(env, r, hash, till, {
        points: earned.points,
        member: earned.member,
        trackingId: saleAck?.trackingId,
      });
      return { outcome: await this.#record(row, saleAck, q), released: reqs.length > 0 };
    });
    if (outcome.released) this.intake.notify();
    return outcome.outcome;
  }

  /** The sale's `points:Accrue` item, when it earns points for a member. */
  #accrual(
    orgCode: string,
    r: HaideReceipt,
    till: TillView,
    earned: Earned,
    attestation: AttestationRef | undefined,
  ): IntakeRequest | undefined {
    if (earned.member === undefined || earned.points <= 0) return undefined;
    const call = this.ledger.accrue({
      programId: till.programId,
      member: earned.member,
      amount: earned.points,
      sourceRef: receiptRef(orgCode, r.posNo, r.flowNo),
      merchant: till.merchantId,
      ...(attestation === undefined ? {} : { attestation }),
    });
    // A DID this mall created at enrolment may still be on its way to the ledger: credit it only after its CreateDid.
    const after =
      earned.custodial === true ? { after: { kind: CUSTODIAL_CREATE_KIND, naturalKey: earned.member } } : {};
    return {
      kind: RECEIPT_KIND,
      naturalKey: receiptKey(orgCode, r.posNo, r.flowNo),
      payload: r.raw,
      ...call,
      ...after,
    };
  }

  /** Releases the decided parked rows (points, member, intake item) and drops the refused ones, counted rejected. */
  async #settleParked(
    q: EntityManager,
    orgCode: string,
    member: string | undefined,
    decided: readonly { row: StoredReceipt; points: number }[],
    reversals: readonly { row: StoredReceipt; request: IntakeRequest }[],
    acks: ReadonlyMap<IntakeRequest, IntakeAck>,
    refused: readonly StoredReceipt[],
  ): Promise<void> {
    for (const d of decided) {
      const rev = reversals.find((x) => x.row === d.row);
      const trackingId = rev ? (acks.get(rev.request)?.trackingId ?? null) : null;
      await this.receipts.release({ ...d.row, points: d.points, memberDid: member ?? null, trackingId }, q);
    }
    for (const p of refused) await this.receipts.discard(p.orgCode, p.posNo, p.flowNo, q);
    const counted = refused.map((p) => ({ posNo: p.posNo, businessDate: p.businessDate, outcome: 'rejected' }));
    await this.counts.count(orgCode, counted, q);
  }

  /** The `points:Reverse` items of decided parked returns that reverse something (a member, points > 0). */
  #reversals(
    orgCode: string,
    saleKey: string,
    programId: string,
    member: string | undefined,
    decided: readonly { row: StoredReceipt; points: number }[],
  ): { row: StoredReceipt; request: IntakeRequest }[] {
    if (member === undefined) return [];
    return decided
      .filter((d) => d.points > 0)
      .map((d) => ({
        row: d.row,
        request: {
          kind: RECEIPT_KIND,
          naturalKey: receiptKey(orgCode, d.row.posNo, d.row.flowNo),
          // The return was parked without its raw body; its content hash names exactly what was received.
          payload: { parkedReturn: d.row.contentHash, releasedBy: saleKey },
          orderingKey: saleKey,
          after: { kind: RECEIPT_KIND, naturalKey: saleKey },
          ...this.ledger.reverse({
            programId,
            sourceRef: `haide:${saleKey}`,
            reversalRef: receiptRef(orgCode, d.row.posNo, d.row.flowNo),
            amount: d.points,
          }),
        },
      }));
  }

  /** Writes `reqs` in the open transaction `q`; any refusal (a conflict) throws, rolling the whole sale back. */
  async #acceptAll(q: EntityManager, reqs: readonly IntakeRequest[]): Promise<Map<IntakeRequest, IntakeAck>> {
    const acks = new Map<IntakeRequest, IntakeAck>();
    if (reqs.length === 0) return acks;
    const outcomes = await this.intake.acceptIn(q, reqs);
    outcomes.forEach((o, i) => {
      if (!o.ok) throw o.error;
      const req = reqs[i];
      if (req) acks.set(req, o.ack);
    });
    return acks;
  }

  async #return(env: HaideEnvelope, r: HaideReceipt, hash: string, till: TillView): Promise<ReceiptOutcome> {
    const saleFlowNo = r.backFlowNo ?? '';
    const saleKey = receiptKey(env.orgCode, r.posNo, saleFlowNo);
    return this.receipts.withSaleLock(saleKey, async (q) => {
      const known = await this.receipts.find(env.orgCode, r.posNo, r.flowNo, q);
      if (known) return repeated(known, hash);
      const sale = await this.receipts.find(env.orgCode, r.posNo, saleFlowNo, q);
      if (sale === undefined) return this.#park(env, r, hash, till, q);
      if (sale.txType !== 'SALE')
        return rejected(
          r.posNo,
          r.flowNo,
          `backFlowNo ${saleFlowNo}: ${r.posNo}/${saleFlowNo} is a return, not a sale`,
        );
      const before = await this.receipts.returnsOf(env.orgCode, r.posNo, saleFlowNo, q);
      const points = returnReversal(
        { points: sale.points, amountFen: sale.realAmtFen, returnedFen: before.fen, reversedPoints: before.points },
        r.realAmtFen,
      );
      if (points === undefined)
        return rejected(
          r.posNo,
          r.flowNo,
          `realAmt: more than the ${sale.realAmtFen - before.fen} fen left of sale ${saleFlowNo}`,
        );
      // A return slip the printer signed is anchored too (it names no accrual: the reversal names the sale).
      await this.#attest(r);
      let ack: IntakeAck | undefined;
      if (sale.memberDid !== null && points > 0) {
        const call = this.ledger.reverse({
          programId: sale.programId,
          sourceRef: receiptRef(env.orgCode, r.posNo, saleFlowNo),
          reversalRef: receiptRef(env.orgCode, r.posNo, r.flowNo),
          amount: points,
        });
        // After the sale's own accrual has committed (the reversal names it), and after earlier returns of the sale.
        ack = await this.intake.accept({
          kind: RECEIPT_KIND,
          naturalKey: receiptKey(env.orgCode, r.posNo, r.flowNo),
          payload: r.raw,
          orderingKey: saleKey,
          after: { kind: RECEIPT_KIND, naturalKey: saleKey },
          ...call,
        });
      }
      const row = stored(env, r, hash, till, {
        points,
        member: sale.memberDid ?? undefined,
        trackingId: ack?.trackingId,
      });
      return { ...(await this.#record(row, ack, q)) };
    });
  }

  /**
   * A return whose sale has not arrived: accepted and stored parked (under the sale's lock, so the sale, when it
   * comes, sees it), with no points yet; the sale decides it. Its e-receipt is anchored now.
   */
  async #park(
    env: HaideEnvelope,
    r: HaideReceipt,
    hash: string,
    till: TillView,
    q: Parameters<ReceiptStore['insert']>[1],
  ): Promise<ReceiptOutcome> {
    await this.#attest(r);
    const row = stored(env, r, hash, till, { points: 0, member: undefined, trackingId: undefined });
    if (!(await this.receipts.insert(row, q, true))) {
      const winner = await this.receipts.find(row.orgCode, row.posNo, row.flowNo, q);
      if (winner) return repeated(winner, hash);
    }
    return {
      httpStatus: 202,
      result: {
        posNo: r.posNo,
        flowNo: r.flowNo,
        status: 'accepted',
        trackingId: null,
        points: 0,
        message: `accepted: waiting for sale ${r.backFlowNo ?? ''} on ${r.posNo} (parked)`,
      },
    };
  }

  /** Stores the receipt; a concurrent push of the same key that got there first decides the answer. */
  async #record(
    row: StoredReceipt,
    ack: IntakeAck | undefined,
    q?: Parameters<ReceiptStore['insert']>[1],
  ): Promise<ReceiptOutcome> {
    // The intake may say duplicate after a crash between its write and this row: the POS never had an answer,
    // and the receipt is stored now, so it is accepted.
    let duplicate = false;
    if (!(await this.receipts.insert(row, q))) {
      // A concurrent push of the same key stored its row first; the one the intake accepted still says accepted.
      const winner = await this.receipts.find(row.orgCode, row.posNo, row.flowNo, q);
      if (winner && (winner.contentHash !== row.contentHash || ack?.outcome !== 'accepted'))
        return repeated(winner, row.contentHash);
      duplicate = winner === undefined;
    }
    return {
      httpStatus: duplicate ? 200 : 202,
      result: {
        posNo: row.posNo,
        flowNo: row.flowNo,
        status: duplicate ? 'duplicate' : 'accepted',
        trackingId: row.trackingId,
        points: row.points,
        message: duplicate ? 'duplicate' : 'accepted',
      },
    };
  }
}

function stored(
  env: HaideEnvelope,
  r: HaideReceipt,
  hash: string,
  till: TillView,
  effect: { points: number; member: string | undefined; trackingId: string | undefined },
): StoredReceipt {
  return {
    orgCode: env.orgCode,
    posNo: r.posNo,
    flowNo: r.flowNo,
    contentHash: hash,
    txType: r.txType,
    ocrTime: r.ocrTime,
    businessDate: shanghaiBusinessDate(r.ocrTime),
    realAmtFen: r.realAmtFen,
    points: effect.points,
    trackingId: effect.trackingId ?? null,
    backFlowNo: r.backFlowNo ?? null,
    memberDid: effect.member ?? null,
    programId: till.programId,
    merchantId: till.merchantId,
    appId: env.appId,
  };
}

/**
 * Parked returns of a sale in arrival order, by the rule of returns pushed after it (floor, the completing one
 * takes the remainder). One that exceeds what is left of the sale is refused as an over-return would be: it goes
 * to `refused` (discarded and counted as rejected; its POS had been told `accepted`, see docs/haide.md).
 */
function decideParked(
  parked: readonly StoredReceipt[],
  sale: { points: number; amountFen: number },
  refused: StoredReceipt[],
): { row: StoredReceipt; points: number }[] {
  const before = { fen: 0, points: 0 };
  const out: { row: StoredReceipt; points: number }[] = [];
  for (const row of parked) {
    const points = returnReversal(
      { points: sale.points, amountFen: sale.amountFen, returnedFen: before.fen, reversedPoints: before.points },
      row.realAmtFen,
    );
    if (points === undefined) {
      refused.push(row);
      continue;
    }
    before.fen += row.realAmtFen;
    before.points += points;
    out.push({ row, points });
  }
  return out;
}

function rejected(posNo: string, flowNo: string, message: string): ReceiptOutcome {
  return { httpStatus: 400, result: { posNo, flowNo, status: 'rejected', trackingId: null, points: 0, message } };
}

/** A refused e-receipt: the `PROOF_*` code leads the message (400, or 409 for an inactive printer or a reused seq). */
function refusedProof(r: HaideReceipt, e: DeviceProofError): ReceiptOutcome {
  return {
    httpStatus: e.status === 409 ? 409 : 400,
    result: {
      posNo: r.posNo,
      flowNo: r.flowNo,
      status: 'rejected',
      trackingId: null,
      points: 0,
      message: `${e.code}: ${e.message}`,
    },
  };
}

function conflict(posNo: string, flowNo: string, message: string): ReceiptOutcome {
  return {
    httpStatus: 409,
    result: { posNo, flowNo, status: 'rejected', trackingId: null, points: 0, message: `conflict: ${message}` },
  };
}

/** The same key again: the original outcome when the content is the same, else a conflict. */
function repeated(known: StoredReceipt, hash: string): ReceiptOutcome {
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

/** Receipts answered duplicate or rejected, by till and business day (the receipt's, else today's). */
function unstored(
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
