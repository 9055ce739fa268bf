import { Injectable } from '@nestjs/common';
import { PointsLedger, type PointsQuery } from '../ledger/domain/points.ledger';
import { type ClearingAmount, type ClearingNet, clearingNet } from './clearing-net';
import type { Rec } from './read-model/points-tables';
import { type DailyPointsView, type LiabilityView, PointsReadStore } from './read-model/points-read.store';

type Consistency = 'cache' | 'ledger' | undefined;

/** Reads from the projected cache by default; `consistency=ledger` evaluates the same query on this mall's peer. */
@Injectable()
export class PointsReadService {
  constructor(
    private readonly store: PointsReadStore,
    private readonly ledger: PointsLedger,
  ) {}

  #either<T>(c: Consistency, query: PointsQuery, request: object, cache: () => Promise<T>): Promise<unknown> {
    // A chaincode refusal (NOT_FOUND, INPUT_INVALID) is mapped to its status by the one HTTP error filter.
    return c === 'ledger' ? this.ledger.query(query, request) : cache();
  }

  programs(c: Consistency): Promise<unknown> {
    return this.#either(c, 'ListPrograms', {}, () => this.store.programs());
  }

  program(programId: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetProgram', { programId }, () => this.store.program(programId));
  }

  liabilities(): Promise<LiabilityView[]> {
    return this.store.liabilities(Date.now());
  }

  daily(programId: string, fromDay: string, toDay: string, from: Date, to: Date): Promise<DailyPointsView> {
    return this.store.daily(programId, fromDay, toDay, from, to);
  }

  merchants(programId?: string): Promise<Rec[]> {
    return this.store.merchants(programId);
  }

  merchant(merchantId: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetMerchant', { merchantId }, () => this.store.merchant(merchantId));
  }

  balances(member: string, programId: string | undefined, c: Consistency): Promise<unknown> {
    const req = { member, expiringWithinDays: 30, ...(programId === undefined ? {} : { programId }) };
    return this.#either(c, 'GetBalance', req, async () => ({
      member,
      balances: await this.store.balances(member, programId, Date.now()),
    }));
  }

  lots(member: string, programId: string | undefined, includeEmpty: boolean, c: Consistency): Promise<unknown> {
    const req = { member, includeEmpty, ...(programId === undefined ? {} : { programId }) };
    return this.#either(c, 'GetLots', req, () => this.store.lots(member, programId, includeEmpty, Date.now()));
  }

  history(member: string, limit: number, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetHistory', { member, limit }, () => this.store.history(member, limit));
  }

  accrual(programId: string, sourceRef: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetAccrual', { programId, sourceRef }, () => this.store.accrual(programId, sourceRef));
  }

  redemption(merchant: string, ref: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetRedemption', { merchant, ref }, () => this.store.redemption(merchant, ref));
  }

  rate(fromProgram: string, toProgram: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetRate', { fromProgram, toProgram }, () => this.store.rate(fromProgram, toProgram));
  }

  clearing(from: string, to: string, mall: string | undefined, c: Consistency): Promise<unknown> {
    const req = { from, to, ...(mall === undefined ? {} : { mall }) };
    return this.#either(c, 'GetClearing', req, () => this.store.clearing(from, to, mall));
  }

  /** The window's entries (cache, or the peer with `consistency=ledger`) netted per pair and per mall. */
  async clearingNet(from: string, to: string, c: Consistency): Promise<ClearingNet> {
    const entries = (await this.clearing(from, to, undefined, c)) as ClearingAmount[];
    return clearingNet(from, to, entries);
  }

  /** Statements with a position of `mall` it has not confirmed yet (from the projected cache). */
  async awaiting(mall: string): Promise<{ mall: string; statements: Rec[] }> {
    return { mall, statements: await this.store.awaiting(mall) };
  }

  statements(): Promise<Rec[]> {
    return this.store.statements();
  }

  statement(periodId: string, c: Consistency): Promise<unknown> {
    return this.#either(c, 'GetStatement', { periodId }, () => this.store.statement(periodId));
  }
}
