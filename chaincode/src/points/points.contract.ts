import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { requireOrgUser } from '../common/identity';
import { MallContext } from '../common/state';
import { Fields, ID_RULE, parseRequest, str } from '../common/validate';
import { accrualBatchOf, accrualItemOf, accrue, reversalOf, reverse } from './accrual';
import { adjust, adjustmentOf } from './adjustment';
import {
  approvalOf,
  approveRate,
  exchange,
  exchangeOf,
  proposeRate,
  rateOf,
  ratePairOf,
  withdrawRate,
} from './exchange';
import { MAX_PERIOD_ENTRIES } from './clearing';
import { consolidate, consolidationOf } from './consolidate';
import { claimNamespace, getNamespace, namespaceRequestOf } from './namespace';
import { expire, expireOf } from './expiry';
import { registerMerchant, registerProgram, updateMerchant, updateProgram } from './program';
import * as q from './queries';
import { redeem, redeemOf } from './redeem';
import { programIdOf } from './request';
import {
  closeOf,
  closePeriod,
  confirmStatement,
  confirmations,
  effectiveClosedBound,
  getStatement,
  periodOf,
} from './settlement';
import { getMerchant, getProgram } from './store';
import { transfer, transferOf } from './transfer';

const json = (value: unknown): string => JSON.stringify(value);

/** Queries are open to any consortium admin or client; the request is checked after that. */
function query(ctx: MallContext, request: string): Fields {
  requireOrgUser(ctx);
  return parseRequest(request);
}

/**
 * Coalition loyalty points (contract name `points`). Every transaction takes one JSON
 * string `request` and returns JSON; see docs/points.md for the request shapes, keys and
 * error codes.
 */
@Info({ title: 'points', description: 'Cross-mall loyalty points: accrual, redemption, clearing and settlement' })
export class PointsContract extends MallContract {
  /** Most clearing entries one ClosePeriod transaction reads (lowered by tests; Fabric constructs with none). */
  readonly #closeChunk: number;

  constructor(options: { closeChunk?: number } = {}) {
    super('points');
    this.#closeChunk = options.closeChunk ?? MAX_PERIOD_ENTRIES;
  }

  @Transaction()
  @Returns('string')
  async RegisterProgram(ctx: MallContext, request: string): Promise<string> {
    return json(await registerProgram(ctx, parseRequest(request)));
  }

  @Transaction()
  @Returns('string')
  async UpdateProgram(ctx: MallContext, request: string): Promise<string> {
    return json(await updateProgram(ctx, parseRequest(request)));
  }

  @Transaction()
  @Returns('string')
  async RegisterMerchant(ctx: MallContext, request: string): Promise<string> {
    return json(await registerMerchant(ctx, parseRequest(request)));
  }

  @Transaction()
  @Returns('string')
  async UpdateMerchant(ctx: MallContext, request: string): Promise<string> {
    return json(await updateMerchant(ctx, parseRequest(request)));
  }

  /** One receipt: `{ programId, member, amount, sourceRef, merchant?, attestation?, expiresAt? }`. */
  @Transaction()
  @Returns('string')
  async Accrue(ctx: MallContext, request: string): Promise<string> {
    const f = parseRequest(request);
    const programId = programIdOf(f);
    const [result] = await accrue(ctx, programId, [accrualItemOf(f)], false);
    return json(result);
  }

  /** Up to 500 receipts: `{ programId, items: [...] }`; all or nothing. */
  @Transaction()
  @Returns('string')
  async AccrueBatch(ctx: MallContext, request: string): Promise<string> {
    const { programId, items } = accrualBatchOf(parseRequest(request));
    return json({ programId, results: await accrue(ctx, programId, items) });
  }

  @Transaction()
  @Returns('string')
  async Reverse(ctx: MallContext, request: string): Promise<string> {
    return json(await reverse(ctx, reversalOf(parseRequest(request))));
  }

  /** `{ programId, member, amount, reasonCode, ref }`: a debit correction by the issuer (adjustment.ts). */
  @Transaction()
  @Returns('string')
  async Adjust(ctx: MallContext, request: string): Promise<string> {
    return json(await adjust(ctx, adjustmentOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async Redeem(ctx: MallContext, request: string): Promise<string> {
    return json(await redeem(ctx, redeemOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async Transfer(ctx: MallContext, request: string): Promise<string> {
    return json(await transfer(ctx, transferOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async ProposeRate(ctx: MallContext, request: string): Promise<string> {
    return json(await proposeRate(ctx, rateOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async ApproveRate(ctx: MallContext, request: string): Promise<string> {
    return json(await approveRate(ctx, approvalOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async WithdrawRate(ctx: MallContext, request: string): Promise<string> {
    return json(await withdrawRate(ctx, ratePairOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async Exchange(ctx: MallContext, request: string): Promise<string> {
    return json(await exchange(ctx, exchangeOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async Expire(ctx: MallContext, request: string): Promise<string> {
    const { programId, limit } = expireOf(parseRequest(request));
    return json(await expire(ctx, programId, limit));
  }

  /** `{ programId, member, expiresOn?, limit? }`: merges dust lots of one expiry day (consolidate.ts). */
  @Transaction()
  @Returns('string')
  async ConsolidateLots(ctx: MallContext, request: string): Promise<string> {
    return json(await consolidate(ctx, consolidationOf(parseRequest(request))));
  }

  /** `{ namespace }`: IDs in it are registered by the caller's mall only (docs/points.md, ID namespaces). */
  @Transaction()
  @Returns('string')
  async ClaimNamespace(ctx: MallContext, request: string): Promise<string> {
    return json(await claimNamespace(ctx, namespaceRequestOf(parseRequest(request))));
  }

  @Transaction()
  @Returns('string')
  async ClosePeriod(ctx: MallContext, request: string): Promise<string> {
    return json(await closePeriod(ctx, closeOf(parseRequest(request)), this.#closeChunk));
  }

  @Transaction()
  @Returns('string')
  async ConfirmStatement(ctx: MallContext, request: string): Promise<string> {
    return json(await confirmStatement(ctx, periodOf(parseRequest(request))));
  }

  @Transaction(false)
  @Returns('string')
  async GetProgram(ctx: MallContext, request: string): Promise<string> {
    const f = query(ctx, request);
    return json(await getProgram(ctx, programIdOf(f)));
  }

  @Transaction(false)
  @Returns('string')
  async ListPrograms(ctx: MallContext, request: string): Promise<string> {
    query(ctx, request);
    return json(await q.programsView(ctx));
  }

  @Transaction(false)
  @Returns('string')
  async GetMerchant(ctx: MallContext, request: string): Promise<string> {
    const f = query(ctx, request);
    return json(await getMerchant(ctx, str(f, 'merchantId', ID_RULE)));
  }

  @Transaction(false)
  @Returns('string')
  async GetBalance(ctx: MallContext, request: string): Promise<string> {
    return json(await q.balanceView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetLots(ctx: MallContext, request: string): Promise<string> {
    return json(await q.lotsView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetHistory(ctx: MallContext, request: string): Promise<string> {
    return json(await q.historyView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetAccrual(ctx: MallContext, request: string): Promise<string> {
    return json(await q.accrualView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetAdjustment(ctx: MallContext, request: string): Promise<string> {
    return json(await q.adjustmentView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetRedemption(ctx: MallContext, request: string): Promise<string> {
    return json(await q.redemptionView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetRate(ctx: MallContext, request: string): Promise<string> {
    return json(await q.rateView(ctx, query(ctx, request)));
  }

  @Transaction(false)
  @Returns('string')
  async GetClearing(ctx: MallContext, request: string): Promise<string> {
    return json(await q.clearingView(ctx, query(ctx, request)));
  }

  /** `{}` → `{ to, periodId }` of the last closed period (where the next one starts), or null. */
  @Transaction(false)
  @Returns('string')
  async GetClosedBound(ctx: MallContext, request: string): Promise<string> {
    query(ctx, request);
    return json((await effectiveClosedBound(ctx)) ?? null);
  }

  /** `{ namespace }` → the claim (`{ namespace, mall, claimedAt, takenFrom? }`), or null when unclaimed. */
  @Transaction(false)
  @Returns('string')
  async GetNamespace(ctx: MallContext, request: string): Promise<string> {
    return json((await getNamespace(ctx, namespaceRequestOf(query(ctx, request)))) ?? null);
  }

  @Transaction(false)
  @Returns('string')
  async GetStatement(ctx: MallContext, request: string): Promise<string> {
    const periodId = periodOf(query(ctx, request));
    const statement = await getStatement(ctx, periodId);
    return json({ statement, confirmations: await confirmations(ctx, periodId) });
  }
}
