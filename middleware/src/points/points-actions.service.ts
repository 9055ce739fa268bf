import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BadInputError, ForbiddenError, UnavailableError } from '../common/errors';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck } from '../intake/intake.types';
import { ADMIN_FUNCTIONS, type LedgerCall, PointsLedger } from '../ledger/domain/points.ledger';
import type {
  ClaimNamespaceDto,
  ClosePeriodDto,
  ConsolidateLotsDto,
  CreateMerchantDto,
  CreateProgramDto,
  ExchangeDto,
  RateDto,
  RedeemDto,
  TransferDto,
} from './dto/points-api.dto';
import { PointsReadStore } from './read-model/points-read.store';

/** `YYYY-MM-DD` names a real day (not 2026-02-30). */
function isCalendarDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/**
 * Points writes for integrators: each is validated here, then carried to the ledger by the durable intake (answered
 * once in Postgres, submitted by the batcher, projected back). The natural key of each kind is the ledger's own
 * idempotency key where it has one, so a retried request is a duplicate and never a second transaction.
 */
@Injectable()
export class PointsActionsService {
  constructor(
    private readonly intake: IntakeService,
    private readonly ledger: PointsLedger,
    private readonly config: AppConfig,
    private readonly reads: PointsReadStore,
  ) {}

  #accept(kind: string, naturalKey: string, payload: object, call: LedgerCall, apiKeyId?: string): Promise<IntakeAck> {
    // An admin-only transaction signed as client would only die at the chaincode: refuse it before storing anything.
    if (ADMIN_FUNCTIONS.has(call.fn) && this.config.ledger.user !== 'admin')
      throw new UnavailableError(
        `${call.fn} needs the mall's admin identity: this middleware signs as ${this.config.ledger.user} (LEDGER_USER=admin)`,
      );
    return this.intake.accept({ kind, naturalKey, payload, fn: call.fn, args: call.args, apiKeyId });
  }

  registerProgram(dto: CreateProgramDto, apiKeyId?: string): Promise<IntakeAck> {
    if (dto.returnWindowDays >= dto.expiryMonths * 28)
      throw new BadInputError('returnWindowDays must be less than expiryMonths × 28');
    const { programId, name, unitValueFen, expiryMonths, returnWindowDays } = dto;
    const p = { programId, name, unitValueFen, expiryMonths, returnWindowDays };
    return this.#accept('points.program', programId, p, this.ledger.registerProgram(p), apiKeyId);
  }

  registerMerchant(dto: CreateMerchantDto, apiKeyId?: string): Promise<IntakeAck> {
    const { merchantId, name, category, programId } = dto;
    const m = { merchantId, name, category, programId };
    return this.#accept('points.merchant', merchantId, m, this.ledger.registerMerchant(m), apiKeyId);
  }

  /** Keyed by the namespace in lower case, as the chaincode stores it: a repeated claim is one item. */
  claimNamespace(dto: ClaimNamespaceDto, apiKeyId?: string): Promise<IntakeAck> {
    const namespace = dto.namespace.toLowerCase();
    const call = this.ledger.claimNamespace(namespace);
    return this.#accept('points.namespace', namespace, { namespace }, call, apiKeyId);
  }

  /** Keyed by (merchant, ref), the ledger's idempotency key of a redemption. */
  redeem(dto: RedeemDto, apiKeyId?: string): Promise<IntakeAck> {
    const signed = [dto.nonce, dto.deadline, dto.consent].filter((v) => v !== undefined).length;
    if (signed !== 0 && signed !== 3) throw new BadInputError('nonce, deadline and consent go together');
    const { merchant, ref, member, programId, amount, nonce, deadline } = dto;
    const consent = dto.consent && { kid: dto.consent.kid, signature: dto.consent.signature };
    const r = { merchant, ref, member, programId, amount, nonce, deadline, consent };
    return this.#accept('points.redeem', `${merchant}|${ref}`, r, this.ledger.redeem(r), apiKeyId);
  }

  /** Keyed by the sender's nonce: the chaincode accepts a nonce once per member. */
  transfer(dto: TransferDto, apiKeyId?: string): Promise<IntakeAck> {
    if (dto.from === dto.to) throw new BadInputError('to must differ from from');
    const { programId, from, to, amount, nonce, deadline } = dto;
    const t = {
      programId,
      from,
      to,
      amount,
      nonce,
      deadline,
      consent: { kid: dto.consent.kid, signature: dto.consent.signature },
    };
    return this.#accept('points.transfer', `${from}|${nonce}`, t, this.ledger.transfer(t), apiKeyId);
  }

  exchange(dto: ExchangeDto, apiKeyId?: string): Promise<IntakeAck> {
    if (dto.fromProgram === dto.toProgram) throw new BadInputError('toProgram must differ from fromProgram');
    const { member, fromProgram, toProgram, amount, receive, nonce, deadline } = dto;
    const x = {
      member,
      fromProgram,
      toProgram,
      amount,
      receive,
      nonce,
      deadline,
      consent: { kid: dto.consent.kid, signature: dto.consent.signature },
    };
    return this.#accept('points.exchange', `${member}|${nonce}`, x, this.ledger.exchange(x), apiKeyId);
  }

  /** A proposal or approval of the same terms is one item; other terms are a new item (the chaincode decides). */
  rate(op: 'propose' | 'approve', dto: RateDto, apiKeyId?: string): Promise<IntakeAck> {
    if (dto.fromProgram === dto.toProgram) throw new BadInputError('toProgram must differ from fromProgram');
    if (op === 'approve' && dto.unitValueFen === undefined)
      throw new BadInputError('unitValueFen is required to approve (repeat the proposed terms)');
    const { fromProgram, toProgram, numerator, denominator, unitValueFen } = dto;
    const r = { fromProgram, toProgram, numerator, denominator, unitValueFen };
    const key = `${op}|${fromProgram}|${toProgram}|${numerator}/${denominator}|${unitValueFen ?? ''}`;
    return this.#accept(`points.rate.${op}`, key, r, this.ledger.rate(op, r), apiKeyId);
  }

  /**
   * The manual expiry run (`POST /v1/points/programs/{programId}/expire`): only for a program of this mall's, as the
   * read model has it (404 for a program it does not know, 403 naming the issuer of another mall's), so a sweep
   * that could only die at the chaincode is refused before anything is stored. Then {@link expire}.
   */
  async expireNow(programId: string, limit: number, apiKeyId?: string): Promise<IntakeAck> {
    const program = await this.reads.program(programId);
    if (program.issuer !== this.config.mallMspId)
      throw new ForbiddenError(
        `program ${programId} is issued by ${String(program.issuer)}: only its issuer runs its expiry`,
      );
    return this.expire(programId, limit, undefined, apiKeyId);
  }

  /** One sweep of a program's lots past their date; every run is its own item (`run` names it). */
  expire(programId: string, limit: number, run: string = randomUUID(), apiKeyId?: string): Promise<IntakeAck> {
    const call = this.ledger.expire(programId, limit);
    return this.#accept('points.expire', `${programId}|${run}`, { programId, limit, run }, call, apiKeyId);
  }

  /**
   * Merges a member's dust lots of one expiry day (the issuing mall only; the chaincode decides). A repeat merges only
   * what is left, so every call is its own item unless `requestId` names the run.
   */
  consolidateLots(member: string, dto: ConsolidateLotsDto, apiKeyId?: string): Promise<IntakeAck> {
    const { programId, expiresOn, limit } = dto;
    if (expiresOn !== undefined && !isCalendarDay(expiresOn))
      throw new BadInputError('expiresOn is not a calendar day');
    const run = dto.requestId ?? randomUUID();
    const c = { programId, member, expiresOn, limit };
    const call = this.ledger.consolidateLots(c);
    return this.#accept('points.consolidate', `${member}|${programId}|${run}`, { ...c, run }, call, apiKeyId);
  }

  closePeriod(dto: ClosePeriodDto, apiKeyId?: string): Promise<IntakeAck> {
    const from = new Date(dto.from);
    const to = new Date(dto.to);
    if (to <= from) throw new BadInputError('to must be after from');
    const f = from.toISOString();
    const t = to.toISOString();
    return this.#accept('points.close', `${f}..${t}`, { from: f, to: t }, this.ledger.closePeriod(f, t), apiKeyId);
  }

  /**
   * The next step of a chunked close in progress: the same `{ from, to }` again, keyed by the cursor it starts at, so
   * instances (or a restart) that see the same cursor add one item, and each step is carried exactly once.
   */
  continueClose(step: { from: string; to: string; next: string }): Promise<IntakeAck> {
    const { from, to, next } = step;
    const call = this.ledger.closePeriod(from, to);
    return this.#accept('points.close.step', `${from}..${to}|${next}`, { from, to, next }, call);
  }

  confirmStatement(periodId: string, apiKeyId?: string): Promise<IntakeAck> {
    const call = this.ledger.confirmStatement(periodId);
    return this.#accept('points.confirm', periodId, { periodId }, call, apiKeyId);
  }
}
