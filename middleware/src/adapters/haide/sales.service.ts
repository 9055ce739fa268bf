import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, DeviceProofError } from '../../common/errors';
import { contentHash, type WriteOutcome } from '../../intake/group-commit.writer';
import { IntakeService } from '../../intake/intake.service';
import type { IntakeAck, IntakeRequest } from '../../intake/intake.types';
import { PointsLedger } from '../../ledger/domain/points.ledger';
import { MembersService } from '../../points/members.service';
import { PointsRegistryService } from '../../points/registry.service';
import { EReceiptAnchor, seqReused, type VerifiedEReceipt } from './e-receipt.anchor';
import type { HaideEnvelope } from './haide-envelope';
import { accepted, conflict, type ReceiptOutcome, refusedProof, rejected, unstored } from './receipt-answers';
import { type Decided, type Lookups, type PlannedRequest, ReceiptPlan, receiptKey } from './receipt-plan';
import { ReconciliationStore } from './reconciliation.store';
import { ReceiptStore } from './receipt.store';
import { type HaideReceipt, isRecord, receiptProblems, toReceipt } from './receipt.validator';

export type { ReceiptOutcome, ReceiptResult, ReceiptStatus } from './receipt-answers';
export { RECEIPT_KIND, receiptKey, receiptRef } from './receipt-plan';

type Proofs = Map<number, VerifiedEReceipt | DeviceProofError>;
type Looked = Lookups & { readonly proofs: Proofs };

/** A receipt of the request that passed validation, with the hash of its content. */
interface Valid {
  readonly index: number;
  readonly receipt: HaideReceipt;
  readonly hash: string;
}

/**
 * One request's inputs to its transaction; `forced` holds the receipts settled by an earlier attempt, by key and
 * content (`forcedKey`): every copy of a refused receipt in the request gets its answer without being planned again.
 */
interface Attempt {
  readonly env: HaideEnvelope;
  readonly items: readonly unknown[];
  readonly early: ReadonlyMap<number, ReceiptOutcome>;
  readonly valid: readonly Valid[];
  readonly lookups: Looked;
  readonly forced: Map<string, ReceiptOutcome>;
  /** Intake items refused in attempts rolled back since: counted in the metrics with the attempt that commits. */
  readonly refusedItems: { req: IntakeRequest; outcome: WriteOutcome }[];
}

/** A receipt's key and content: two copies of one receipt in a request share their forced answer. */
const forcedKey = (v: Valid): string => `${v.receipt.posNo}/${v.receipt.flowNo}#${v.hash}`;

/** An intake item of the attempt and its outcome, counted in the metrics once its transaction committed. */
interface Queued {
  readonly req: IntakeRequest;
  readonly outcome: WriteOutcome;
}

/** The transaction found something that changes the plan (a conflict on the intake, a key taken meanwhile). */
class Replan extends Error {}

/** Plans of one request tried at most this often (each retry settles a receipt or sees a concurrent winner). */
const MAX_ATTEMPTS = 6;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Receipts of a Haide-style POS: validated, deduplicated on (orgCode, posNo, flowNo), turned into points
 * through the till's program (a sale accrues, a return reverses in proportion), and handed to the durable
 * intake. Each receipt stands alone in the answer: a bad one is named, the others are stored.
 *
 * A request (one receipt or up to 1,000) is decided in ONE Postgres transaction holding the locks of every sale
 * it touches: tills, cards and earn rules are read once, the receipts, their intake items, the release of parked
 * returns and the counts are written set-based, and the commit is one WAL flush for the whole request.
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
    const early = new Map<number, ReceiptOutcome>();
    const valid: Valid[] = [];
    items.forEach((item, index) => {
      const prefix = prefixOf(index);
      if (!isRecord(item)) return early.set(index, rejected('', '', `${prefix || 'data '}must be an object`));
      const problems = receiptProblems(item, prefix);
      if (problems.length > 0)
        return early.set(index, rejected(str(item.posNo), str(item.flowNo), problems.join('; ')));
      valid.push({ index, receipt: toReceipt(item), hash: contentHash(item) });
    });
    const lookups = await this.#lookups(env, valid);
    const forced = new Map<string, ReceiptOutcome>();
    const refusedItems: Attempt['refusedItems'] = [];
    const saleKeys = valid.map(({ receipt: r }) =>
      receiptKey(env.orgCode, r.posNo, r.txType === 'SALE' ? r.flowNo : (r.backFlowNo ?? '')),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const { outcomes, queued } = await this.receipts.withSaleLocks(saleKeys, (q) =>
          this.#decide(q, { env, items, early, valid, lookups, forced, refusedItems }),
        );
        // Only the attempt that committed is counted (with the refusals that settled receipts on the way).
        this.intake.counted(
          [...refusedItems.map((x) => x.req), ...queued.map((x) => x.req)],
          [...refusedItems.map((x) => x.outcome), ...queued.map((x) => x.outcome)],
        );
        if (queued.length > 0) this.intake.notify();
        return outcomes;
      } catch (e) {
        if (attempt >= MAX_ATTEMPTS || !(e instanceof Replan || isDeadlock(e))) throw e;
        await this.#verifyMissing(valid, lookups, forced);
      }
    }
  }

  /** Tills, card holders and earn rules of the whole request, and its e-receipts checked, before the transaction. */
  async #lookups(env: HaideEnvelope, valid: readonly Valid[]): Promise<Looked> {
    const tills = await this.registry.tillsOf(
      env.orgCode,
      valid.map((v) => v.receipt.posNo),
    );
    const cards = valid.flatMap((v) => (v.receipt.txType === 'SALE' && v.receipt.cardNo ? [v.receipt.cardNo] : []));
    const holders = cards.length > 0 ? await this.members.cardMembers(cards) : new Map();
    const rules = await this.registry.earnRulesOf([...tills.values()].map((t) => t.programId));
    const proofs: Proofs = new Map();
    const lookups = { tills, holders, rules, proofs, attestation: (v: VerifiedEReceipt) => this.eReceipts.request(v) };
    // A receipt already stored is answered as before, whatever its printer's state is now: checked only if new.
    const printed = valid.filter((v) => v.receipt.eReceipt !== undefined);
    if (printed.length > 0) {
      const known = await this.receipts.findMany(
        env.orgCode,
        printed.map((v) => v.receipt),
      );
      await this.#verify(
        printed.filter((v) => !known.has(`${v.receipt.posNo}/${v.receipt.flowNo}`)),
        proofs,
      );
    }
    return lookups;
  }

  async #verify(list: readonly Valid[], proofs: Proofs): Promise<void> {
    for (const v of list) {
      const e = v.receipt.eReceipt;
      if (e === undefined || proofs.has(v.index)) continue;
      try {
        proofs.set(v.index, await this.eReceipts.verify(v.receipt.raw, e));
      } catch (err) {
        if (!(err instanceof DeviceProofError)) throw err;
        proofs.set(v.index, err);
      }
    }
  }

  /** E-receipts that the plan found unchecked (stored at the first look, gone since: a discarded parked return). */
  async #verifyMissing(
    valid: readonly Valid[],
    lookups: Looked,
    forced: ReadonlyMap<string, ReceiptOutcome>,
  ): Promise<void> {
    await this.#verify(
      valid.filter((v) => !forced.has(forcedKey(v))),
      lookups.proofs,
    );
  }

  /**
   * The request's transaction: what is stored under the locks, the plan, then its writes set-based. A conflict the
   * plan could not know (an intake item of that key with other content, a printer seq used meanwhile) settles that
   * receipt for the next attempt and rolls this one back, so a refused receipt never takes the good ones with it.
   */
  async #decide(q: EntityManager, a: Attempt): Promise<{ outcomes: ReceiptOutcome[]; queued: Queued[] }> {
    const { plan, answers } = await this.#plan(q, a);
    const { acks, queued } = await this.#queue(q, plan, a);
    const trackingOf = (p: { request?: IntakeRequest }): string | null =>
      p.request ? (acks.get(p.request)?.trackingId ?? null) : null;
    for (const p of [...plan.rows, ...plan.releases]) p.row.trackingId = trackingOf(p);
    await this.receipts.releaseMany(
      a.env.orgCode,
      plan.releases.map((p) => p.row),
      q,
    );
    // Before the insert: a refused parked return's key may be re-used later in the request, as it could be after.
    await this.receipts.discardMany(a.env.orgCode, plan.discards, q);
    const rows = plan.rows.filter((p) => !p.dropped);
    const inserted = await this.receipts.insertMany(rows, q);
    // A key stored by a concurrent request meanwhile (not under the same lock): the next attempt sees its row.
    if (inserted.size !== rows.length) throw new Replan('a receipt stored meanwhile');
    const outcomes = a.items.map((_, i) => {
      const answer = answers.get(i);
      if (answer === undefined) throw new Error(`receipt ${i} was not decided`);
      if ('later' in answer) return answer.later();
      return 'row' in answer ? accepted(answer.row) : answer;
    });
    const refused = plan.refused.map((p) => ({ posNo: p.posNo, businessDate: p.businessDate, outcome: 'rejected' }));
    await this.counts.count(a.env.orgCode, [...unstored(a.items, outcomes), ...refused], q);
    return { outcomes, queued };
  }

  /** Reads what is stored of the request's receipts and sales (under their locks) and decides each receipt. */
  async #plan(q: EntityManager, a: Attempt): Promise<{ plan: ReceiptPlan; answers: Map<number, Decided> }> {
    const sales = a.valid.map(({ receipt: r }) => ({
      posNo: r.posNo,
      flowNo: r.txType === 'SALE' ? r.flowNo : (r.backFlowNo ?? ''),
    }));
    const known = await this.receipts.findMany(a.env.orgCode, [...a.valid.map((v) => v.receipt), ...sales], q);
    const returns = await this.receipts.returnsOfSales(a.env.orgCode, sales, q);
    const plan = new ReceiptPlan(a.env, this.ledger, a.lookups, known, returns);
    const answers = new Map<number, Decided>(a.early);
    let unchecked = false;
    for (const v of a.valid) {
      const stored = plan.known(v.receipt.posNo, v.receipt.flowNo) !== undefined;
      if (!stored && v.receipt.eReceipt !== undefined && !a.lookups.proofs.has(v.index)) unchecked = true;
      const f = stored ? undefined : a.forced.get(forcedKey(v));
      answers.set(v.index, f ?? plan.decide(v.index, v.receipt, v.hash));
    }
    if (unchecked) throw new Replan('an e-receipt to check');
    return { plan, answers };
  }

  /** The plan's intake items in the open transaction; a refused one settles its receipt and replans. */
  async #queue(
    q: EntityManager,
    plan: ReceiptPlan,
    a: Attempt,
  ): Promise<{ acks: Map<IntakeRequest, IntakeAck>; queued: Queued[] }> {
    const acks = new Map<IntakeRequest, IntakeAck>();
    if (plan.requests.length === 0) return { acks, queued: [] };
    const reqs = plan.requests.map((p) => p.request);
    const outcomes = await this.intake.acceptIn(q, reqs);
    let replan = false;
    for (const [k, o] of outcomes.entries()) {
      const p = plan.requests[k] as PlannedRequest;
      if (o.ok) {
        acks.set(p.request, o.ack);
        continue;
      }
      if (!(o.error instanceof ConflictError)) throw o.error;
      a.refusedItems.push({ req: p.request, outcome: o });
      const v = a.valid.find((x) => x.index === p.index);
      if (v) a.forced.set(forcedKey(v), refusal(v.receipt, p, o.error));
      replan = true;
    }
    if (replan) throw new Replan('an intake item refused');
    return { acks, queued: reqs.map((req, k) => ({ req, outcome: outcomes[k] as WriteOutcome })) };
  }
}

/** The answer of a receipt whose intake item was refused: its printer seq reused, or its key with other content. */
function refusal(r: HaideReceipt, p: PlannedRequest, e: ConflictError): ReceiptOutcome {
  const { posNo, flowNo } = r;
  return p.attestation ? refusedProof(posNo, flowNo, seqReused(p.attestation)) : conflict(posNo, flowNo, e.message);
}

/** Two requests' row locks crossed (e.g. the same printer seq in both): Postgres aborted one; it is tried again. */
function isDeadlock(e: unknown): boolean {
  const code = (e as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code;
  return code === '40P01' || (e as { code?: unknown } | null)?.code === '40P01';
}
