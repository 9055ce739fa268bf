import { Injectable } from '@nestjs/common';
import { BadInputError, NotFoundError } from '../../common/errors';
import { type MemberBalance, PointsLedger } from '../../ledger/domain/points.ledger';
import { MembersService } from '../../points/members.service';
import { PointsRegistryService } from '../../points/registry.service';
import { type MemberAnswer, memberQueryOf } from './member-query';
import { failed, type HaideAnswer, ok } from './haide-answer';
import type { HaideRequest } from './haide-envelope.guard';
import { readJsonLines } from './json-lines.reader';
import { RECEIPTS_PER_REQUEST_MAX, receiptsOf } from './receipt.validator';
import { type AdjustmentsDay, ReconciliationStore, type TillDay } from './reconciliation.store';
import {
  type LedgerAdjustmentsDay,
  type LedgerTillDay,
  type Mismatch,
  ReconciliationVerifier,
} from './reconciliation-verifier';
import type { HaideEnvelope } from './haide-envelope';
import { shanghaiDayRange } from '../../points/shanghai-time';
import { type ReceiptOutcome, type ReceiptResult, SalesService } from './sales.service';

export interface Reconciliation {
  readonly orgCode: string;
  readonly businessDate: string;
  readonly tills: VerifiedTillDay[];
  /** The mall's manual corrections stored that day (they name no till); with `verify=ledger` also `ledger`. */
  readonly adjustments: AdjustmentsDay & { readonly ledger?: LedgerAdjustmentsDay };
  /** With `verify=ledger`: `"ledger"`, each till's `ledger` figures, and the items whose figures differ. */
  readonly verify?: 'ledger';
  readonly mismatches?: Mismatch[];
}

export type VerifiedTillDay = TillDay & { readonly ledger?: LedgerTillDay };

/** A day-end upload: at most 64 KiB a line, 100,000 receipts (and BODY_LIMIT_BYTES for the whole body). */
const JSON_LINES_LIMITS = { maxLineBytes: 65_536, maxLines: 100_000 };

function notJson(message: string): ReceiptResult {
  return { posNo: '', flowNo: '', status: 'rejected', trackingId: null, points: 0, message };
}

function envelopeOf(req: HaideRequest): HaideEnvelope {
  if (!req.haide) throw new Error('HaideEnvelopeGuard did not run');
  return req.haide;
}

export type SalesData = ReceiptResult | { receipts: ReceiptResult[] };

/** What the Haide routes answer: per-route logic delegated, the Haide body built here. */
@Injectable()
export class HaideService {
  constructor(
    private readonly sales_: SalesService,
    private readonly reconciliationStore: ReconciliationStore,
    private readonly members: MembersService,
    private readonly registry: PointsRegistryService,
    private readonly ledger: PointsLedger,
    private readonly verifier: ReconciliationVerifier,
  ) {}

  /**
   * A member by card, mobile or member ID, with the balance (from this mall's peer) of the programs this orgCode's
   * tills earn in. Personal data is not in the answer.
   */
  async memberQuery(req: HaideRequest): Promise<HaideAnswer<MemberAnswer>> {
    const env = envelopeOf(req);
    const q = memberQueryOf(env.data);
    const m = await this.members.byAccount(q.accountType, q.accountValue);
    if (!m) throw new NotFoundError(`member with ${q.accountType}`, q.accountValue);
    const programs = new Set((await this.registry.listTills(env.orgCode)).map((t) => t.programId));
    const balances = (await this.ledger.balances(m.did, 30)).filter((b) => programs.has(b.programId));
    const sum = (f: (b: MemberBalance) => number): number => balances.reduce((s, b) => s + f(b), 0);
    return ok({
      memberId: m.memberId,
      did: m.did,
      levelName: m.levelName,
      points: {
        available: sum((b) => b.available),
        pending: sum((b) => b.pending),
        expiringWithin30Days: sum((b) => b.expiringSoon),
      },
      cards: m.cards,
    });
  }

  /** Per till of `orgCode` on the Asia/Shanghai business day `data.businessDate`. */
  async reconciliation(req: HaideRequest): Promise<HaideAnswer<Reconciliation>> {
    const env = envelopeOf(req);
    const data = env.data as Record<string, unknown>;
    const extra = Object.keys(data).filter((k) => k !== 'orgCode' && k !== 'businessDate' && k !== 'verify');
    if (extra.length > 0) throw new BadInputError(`${extra[0] ?? ''}: property should not exist`);
    const day = typeof data.businessDate === 'string' ? data.businessDate : '';
    if (!shanghaiDayRange(day)) throw new BadInputError('businessDate must be an existing day yyyy-MM-dd');
    if (data.verify !== undefined && data.verify !== 'ledger') throw new BadInputError('verify must be "ledger"');
    const tills = await this.reconciliationStore.day(env.orgCode, day);
    const adjustments = await this.reconciliationStore.adjustments(env.orgCode, day);
    if (data.verify !== 'ledger') return ok({ orgCode: env.orgCode, businessDate: day, tills, adjustments });
    const v = await this.verifier.verify(env.orgCode, day, tills);
    const verified = tills.map((t) => ({ ...t, ledger: v.tills.get(t.posNo) as LedgerTillDay }));
    const message = v.mismatches.length === 0 ? 'equal to the ledger' : `${v.mismatches.length} mismatches`;
    return ok(
      {
        orgCode: env.orgCode,
        businessDate: day,
        tills: verified,
        adjustments: { ...adjustments, ledger: v.adjustments },
        verify: 'ledger',
        mismatches: v.mismatches,
      },
      message,
    );
  }

  /**
   * A day of receipts as JSON Lines: the same rules as `sales`, in groups of 1,000, one result per line in order
   * (the messages of bad ones start with `line N:`).
   */
  async salesBatch(req: HaideRequest, text: string): Promise<HaideAnswer<{ receipts: ReceiptResult[] }>> {
    const env = envelopeOf(req);
    const data = env.data as Record<string, unknown>;
    const extra = Object.keys(data).filter((k) => k !== 'orgCode' && k !== 'sha256');
    if (extra.length > 0) throw new BadInputError(`${extra[0] ?? ''}: property should not exist`);
    const lines = readJsonLines(text, JSON_LINES_LIMITS);
    if (typeof lines === 'string') throw new BadInputError(lines);
    if (lines.length === 0) throw new BadInputError('the upload holds no receipt');
    const results: ReceiptResult[] = [];
    for (let i = 0; i < lines.length; i += RECEIPTS_PER_REQUEST_MAX) {
      const group = lines.slice(i, i + RECEIPTS_PER_REQUEST_MAX);
      const parsed = group.filter((l) => !('error' in l));
      const outcomes = await this.sales_.push(
        env,
        parsed.map((l) => ('value' in l ? l.value : undefined)),
        (k) => `line ${parsed[k]?.line ?? 0}: `,
      );
      let k = 0;
      for (const l of group) {
        if ('error' in l) results.push(notJson(l.error));
        else results.push((outcomes[k++] as ReceiptOutcome).result);
      }
    }
    const count = (st: ReceiptResult['status']): number => results.filter((r) => r.status === st).length;
    const message = `${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected`;
    return ok({ receipts: results }, message);
  }

  async sales(req: HaideRequest): Promise<{ status: number; answer: HaideAnswer<SalesData> }> {
    const env = envelopeOf(req);
    const parsed = receiptsOf(env.data);
    if (typeof parsed === 'string') throw new BadInputError(parsed);
    const outcomes = await this.sales_.push(env, parsed.items, parsed.batch ? (i) => `receipts.${i}.` : undefined);
    if (!parsed.batch) {
      const [one] = outcomes;
      if (!one) throw new Error('no outcome for the receipt');
      const good = one.httpStatus < 300;
      return {
        status: one.httpStatus,
        answer: good ? ok(one.result, one.result.message) : failed(one.httpStatus, one.result.message, one.result),
      };
    }
    const results = outcomes.map((o) => o.result);
    const count = (s: ReceiptResult['status']): number => results.filter((r) => r.status === s).length;
    const message = `${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected`;
    return { status: 200, answer: ok({ receipts: results }, message) };
  }
}
