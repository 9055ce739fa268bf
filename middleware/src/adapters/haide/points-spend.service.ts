import { Injectable } from '@nestjs/common';
import { BadInputError, ConflictError, SpendRefusedError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { contentHash } from '../../intake/group-commit.writer';
import { IntakeService } from '../../intake/intake.service';
import { ChaincodeRejectedError } from '../../ledger/ledger.port';
import type { LedgerCall } from '../../ledger/domain/points.ledger';
import { PointsLedger } from '../../ledger/domain/points.ledger';
import { type RedeemItem, SpendLedger } from '../../ledger/domain/spend.ledger';
import { MembersService } from '../../points/members.service';
import { PointsRegistryService, type TillView } from '../../points/registry.service';
import type { HaideEnvelope } from './haide-envelope';
import type { HaideRequest } from './haide-envelope.guard';
import { SpendStore } from './spend.store';
import { ADJUST_KIND, REDEEM_KIND } from './spend-kinds';
import { type AdjustData, type RedeemData, adjustDataOf, redeemDataOf } from './spend.validator';

export { ADJUST_KIND, REDEEM_KIND };

/** How long an answer waits for the ledger commit before it says `pending` (202) with the expected balance. */
export const SPEND_COMMIT_WAIT_MS = 10_000;
const POLL_MS = 100;

export interface SpendAnswer {
  readonly status: 'accepted' | 'duplicate';
  readonly trackingId: string;
  readonly programId: string;
  readonly member: string;
  /** Points taken (redeem, debit adjustment: negative) or given (credit adjustment: positive). */
  readonly points: number;
  /**
   * `committed`: `balance` is the ledger's; `pending`: `balance` is the expected one (a credit adjustment is an
   * accrual, pending until the program's return window closes, so it does not raise the available balance at once).
   */
  readonly ledgerStatus: 'committed' | 'pending';
  /** Available points of the member in `programId` after this request. */
  readonly balance: number;
}

export type RedeemAnswer = SpendAnswer & { readonly posNo: string; readonly flowNo: string };
export type AdjustAnswer = SpendAnswer & { readonly adjustNo: string; readonly reasonCode: string };

function envelopeOf(req: HaideRequest): HaideEnvelope {
  if (!req.haide) throw new Error('HaideEnvelopeGuard did not run');
  return req.haide;
}

interface Prepared {
  readonly kind: string;
  readonly naturalKey: string;
  readonly raw: Record<string, unknown>;
  readonly member: string;
  readonly programId: string;
  readonly points: number;
  readonly call: LedgerCall;
  /** Debits are simulated on the peer first (consent, balance, DID): a refusal is answered, nothing stored. */
  readonly check: boolean;
}

/**
 * Haide `points/redeem` and `points/adjust`: validated, checked against what the chaincode would say (simulated on
 * this mall's peer), handed to the durable intake keyed by the POS's own numbers, and answered with the balance once
 * the ledger has it (or the expected balance, `pending`, after {@link SPEND_COMMIT_WAIT_MS}).
 */
@Injectable()
export class PointsSpendService {
  constructor(
    private readonly registry: PointsRegistryService,
    private readonly members: MembersService,
    private readonly spend: SpendLedger,
    private readonly points: PointsLedger,
    private readonly intake: IntakeService,
    private readonly store: SpendStore,
    private readonly config: AppConfig,
  ) {}

  async redeem(req: HaideRequest): Promise<{ httpStatus: number; answer: RedeemAnswer }> {
    const env = envelopeOf(req);
    const data = redeemDataOf(env.data);
    const { httpStatus, answer } = await this.#run(() => this.#prepareRedeem(env, data), {
      kind: REDEEM_KIND,
      naturalKey: `${env.orgCode}/${data.posNo}/${data.flowNo}`,
      raw: data.raw,
    });
    return { httpStatus, answer: { ...answer, posNo: data.posNo, flowNo: data.flowNo } };
  }

  async adjust(req: HaideRequest): Promise<{ httpStatus: number; answer: AdjustAnswer }> {
    const env = envelopeOf(req);
    const data = adjustDataOf(env.data);
    const { httpStatus, answer } = await this.#run(() => this.#prepareAdjust(env, data), {
      kind: ADJUST_KIND,
      naturalKey: `${env.orgCode}/${data.adjustNo}`,
      raw: data.raw,
    });
    return { httpStatus, answer: { ...answer, adjustNo: data.adjustNo, reasonCode: data.reasonCode } };
  }

  /** Duplicate or conflict from the intake first (a repeat is answered as the original), then the new request. */
  async #run(
    prepare: () => Promise<Prepared>,
    key: { kind: string; naturalKey: string; raw: Record<string, unknown> },
  ): Promise<{ httpStatus: number; answer: SpendAnswer }> {
    const known = await this.store.find(key.kind, key.naturalKey);
    if (known && known.contentHash !== contentHash(key.raw)) {
      throw new ConflictError(`${key.naturalKey} was already received with other content`);
    }
    const p = await prepare();
    const before = await this.spend.available(p.member, p.programId);
    if (!known && p.check) await this.#simulate(p.call);
    const ack = await this.intake.accept({
      kind: p.kind,
      naturalKey: p.naturalKey,
      payload: p.raw,
      fn: p.call.fn,
      args: p.call.args,
    });
    return this.#answer(p, ack.trackingId, known !== undefined || ack.outcome === 'duplicate', before);
  }

  /** Waits for the commit (bounded), then the balance: the ledger's once committed, else the expected one. */
  async #answer(
    p: Prepared,
    trackingId: string,
    duplicate: boolean,
    before: number,
  ): Promise<{ httpStatus: number; answer: SpendAnswer }> {
    const status = await this.#settled(trackingId);
    if (status.status === 'dead') {
      throw new SpendRefusedError(status.errorCode ?? 'LEDGER_REFUSED', status.lastError ?? 'the ledger refused it');
    }
    const committed = status.status === 'committed';
    const balance =
      committed || duplicate ? await this.spend.available(p.member, p.programId) : before + Math.min(p.points, 0);
    return {
      httpStatus: committed ? 200 : 202,
      answer: {
        status: duplicate ? 'duplicate' : 'accepted',
        trackingId,
        programId: p.programId,
        member: p.member,
        points: p.points,
        ledgerStatus: committed ? 'committed' : 'pending',
        balance,
      },
    };
  }

  async #simulate(call: LedgerCall): Promise<void> {
    try {
      await this.spend.check(call);
    } catch (e) {
      if (e instanceof ChaincodeRejectedError) throw new SpendRefusedError(e.code, e.message);
      throw e;
    }
  }

  /** Polls the item until it leaves `pending` or the wait is over. */
  async #settled(trackingId: string): Promise<{ status: string; errorCode: string | null; lastError: string | null }> {
    const until = Date.now() + SPEND_COMMIT_WAIT_MS;
    for (;;) {
      const s = await this.intake.status(trackingId, this.config.mallMspId);
      if (s.status !== 'pending' || Date.now() >= until) return s;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async #member(cardNo: string): Promise<string> {
    const member = await this.members.didOfCard(cardNo);
    if (member === undefined) throw new BadInputError(`data.cardNo ${cardNo}: no member has this card`);
    return member;
  }

  async #till(orgCode: string, posNo: string): Promise<TillView> {
    const till = await this.registry.till(orgCode, posNo);
    if (!till) throw new BadInputError(`data.posNo ${posNo}: unknown till of ${orgCode}`);
    return till;
  }

  async #prepareRedeem(env: HaideEnvelope, d: RedeemData): Promise<Prepared> {
    const till = await this.#till(env.orgCode, d.posNo);
    const member = await this.#member(d.cardNo);
    const item: RedeemItem = {
      merchant: till.merchantId,
      ref: `haide:${env.orgCode}/${d.posNo}/${d.flowNo}`,
      member,
      programId: d.consent ? d.consent.payload.programId : till.programId,
      amount: d.points,
      consent: d.consent ? this.#consentOf(d, till, member) : undefined,
    };
    const base = { kind: REDEEM_KIND, naturalKey: `${env.orgCode}/${d.posNo}/${d.flowNo}`, raw: d.raw };
    return {
      ...base,
      member,
      programId: item.programId,
      points: -d.points,
      call: this.spend.redeem(item),
      check: true,
    };
  }

  /** The consent must be for exactly this redemption; the chaincode then checks the signature, nonce and deadline. */
  #consentOf(d: RedeemData, till: TillView, member: string): RedeemItem['consent'] {
    const c = d.consent;
    if (!c) return undefined;
    const p = c.payload;
    if (p.member !== member) throw new BadInputError('data.consent.member is not the DID of data.cardNo');
    if (p.merchant !== till.merchantId) throw new BadInputError(`data.consent.merchant is not ${till.merchantId}`);
    if (p.amount !== d.points) throw new BadInputError('data.consent.amount is not data.points');
    if (p.channel !== this.config.ledger.channel) throw new BadInputError('data.consent.channel is not this channel');
    const deadline = Date.parse(p.deadline);
    if (!Number.isFinite(deadline)) throw new BadInputError('data.consent.deadline must be an ISO-8601 instant');
    if (deadline < Date.now())
      throw new SpendRefusedError('POINTS_CONSENT_EXPIRED', `consent deadline ${p.deadline} has passed`);
    return { nonce: p.nonce, deadline: p.deadline, kid: c.proof.kid, signature: c.proof.signature };
  }

  async #prepareAdjust(env: HaideEnvelope, d: AdjustData): Promise<Prepared> {
    const programs = [...new Set((await this.registry.listTills(env.orgCode)).map((t) => t.programId))];
    const [programId] = programs;
    if (programId === undefined || programs.length > 1) {
      throw new BadInputError(
        `orgCode ${env.orgCode} must earn in exactly one program (its tills name ${programs.length})`,
      );
    }
    const member = await this.#member(d.cardNo);
    const ref = `haide-adjust:${env.orgCode}/${d.adjustNo}`;
    const call =
      d.points > 0
        ? this.points.accrue({ programId, member, amount: d.points, sourceRef: `${ref}/${d.reasonCode}` })
        : this.spend.adjust({ programId, member, amount: -d.points, reasonCode: d.reasonCode, ref });
    const base = { kind: ADJUST_KIND, naturalKey: `${env.orgCode}/${d.adjustNo}`, raw: d.raw };
    return { ...base, member, programId, points: d.points, call, check: d.points < 0 };
  }
}
