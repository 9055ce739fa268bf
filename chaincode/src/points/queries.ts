/** Read-only views of the points state, for any admin or client of a consortium mall. */
import { txTimeMs } from '../common/clock';
import { notFound } from '../common/errors';
import { MallContext, getJson, listByPrefix } from '../common/state';
import { Fields, ID_RULE, bool, int, optStr, str } from '../common/validate';
import { clearingBetween } from './clearing';
import { closeOf } from './settlement';
import { memberHistory } from './history';
import { Balance, balances, emptyBalance, lotState, memberLots, spentLots } from './lots';
import { adjustmentKey } from './adjustment';
import {
  AccrualRecord,
  AdjustmentRecord,
  ClearingEntry,
  HistoryLine,
  K,
  Lot,
  Program,
  RateRecord,
  RedemptionRecord,
  accrualKey,
  rateKey,
  redemptionKey,
} from './model';
import { REF_RULE, memberOf, programIdOf } from './request';

const optProgram = (f: Fields): string | undefined => optStr(f, 'programId', ID_RULE);

/** GetBalance: a member's balances, optionally in one program. */
export async function balanceView(ctx: MallContext, f: Fields): Promise<{ member: string; balances: Balance[] }> {
  const member = memberOf(f);
  const programId = optProgram(f);
  const days = f.expiringWithinDays === undefined ? 30 : int(f, 'expiringWithinDays', { min: 0, max: 3650 });
  const list = balances(await memberLots(ctx, member, programId), txTimeMs(ctx), days);
  // A program asked for by name is always answered, with zeros when no lot of it holds points.
  if (programId !== undefined && list.length === 0) list.push(emptyBalance(programId, days));
  return { member, balances: list };
}

/** GetLots: a member's lots with their state; empty lots only when asked for. */
export async function lotsView(ctx: MallContext, f: Fields): Promise<(Lot & { state: string })[]> {
  const member = memberOf(f);
  const programId = optProgram(f);
  const includeEmpty = f.includeEmpty === undefined ? false : bool(f, 'includeEmpty');
  const now = txTimeMs(ctx);
  const lots = await memberLots(ctx, member, programId);
  const all = includeEmpty ? [...lots, ...(await spentLots(ctx, member, programId))] : lots;
  return all
    .map((lot) => ({ ...lot, state: lotState(lot, now) }))
    .filter((lot) => includeEmpty || lot.state !== 'empty');
}

/** GetHistory: a member's newest history lines first. */
export async function historyView(ctx: MallContext, f: Fields): Promise<HistoryLine[]> {
  const member = memberOf(f);
  const limit = f.limit === undefined ? 100 : int(f, 'limit', { min: 1, max: 1000 });
  return memberHistory(ctx, member, limit);
}

/** ListPrograms: every program in ID order. */
export async function programsView(ctx: MallContext): Promise<Program[]> {
  return (await listByPrefix<Program>(ctx, K.program, [], 'programs')).map((r) => r.value);
}

async function found<T>(ctx: MallContext, stateKey: string, what: string, id: string): Promise<T> {
  const value = await getJson<T>(ctx, stateKey);
  if (value === undefined) throw notFound(what, id);
  return value;
}

/** GetAccrual: the accrual of one receipt. */
export async function accrualView(ctx: MallContext, f: Fields): Promise<AccrualRecord> {
  const programId = programIdOf(f);
  const sourceRef = str(f, 'sourceRef', REF_RULE);
  return found(ctx, accrualKey(ctx, programId, sourceRef), 'accrual', `${programId}/${sourceRef}`);
}

/** GetRedemption: one redemption at a merchant. */
export async function redemptionView(ctx: MallContext, f: Fields): Promise<RedemptionRecord> {
  const merchant = str(f, 'merchant', ID_RULE);
  const ref = str(f, 'ref', REF_RULE);
  return found(ctx, redemptionKey(ctx, merchant, ref), 'redemption', `${merchant}/${ref}`);
}

/** GetAdjustment: one debit correction of a program by its ref (`Adjust`, idempotent on programId + ref). */
export async function adjustmentView(ctx: MallContext, f: Fields): Promise<AdjustmentRecord> {
  const programId = programIdOf(f);
  const ref = str(f, 'ref', REF_RULE);
  return found(ctx, adjustmentKey(ctx, programId, ref), 'adjustment', `${programId}/${ref}`);
}

/** GetRate: the proposed or approved rate between two programs. */
export async function rateView(ctx: MallContext, f: Fields): Promise<RateRecord> {
  const fromProgram = programIdOf(f, 'fromProgram');
  const toProgram = programIdOf(f, 'toProgram');
  return found(ctx, rateKey(ctx, fromProgram, toProgram), 'rate', `${fromProgram}->${toProgram}`);
}

/** Clearing entries booked in [from, to), optionally only those where `mall` is a party. */
export async function clearingView(ctx: MallContext, f: Fields): Promise<ClearingEntry[]> {
  const period = closeOf(f);
  const mall = optStr(f, 'mall', ID_RULE);
  const entries = await clearingBetween(ctx, period.from, period.to);
  return mall === undefined ? entries : entries.filter((e) => e.debtor === mall || e.creditor === mall);
}
