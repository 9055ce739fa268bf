/** Points programs (one or more per issuing mall) and the merchants that earn and redeem through them. */
import { DAY_MS, txTimeIso, txTimeMs } from '../common/clock';
import { conflict, inputError } from '../common/errors';
import { caller, requireAdminOf } from '../common/identity';
import { MallContext, getJson, put } from '../common/state';
import { Fields, ID_RULE, int, oneOf, optInt, optStr, str } from '../common/validate';
import { MERCHANT_CATEGORIES, Merchant, Program, merchantKey, programKey, unitValueAt } from './model';
import { requireFreeNamespace } from './namespace';
import { programIdOf } from './request';
import { getMerchant, getProgram } from './store';

const UNIT_VALUE = { min: 1, max: 100_000 };
const EXPIRY_MONTHS = { min: 1, max: 120 };
const RETURN_DAYS = { min: 0, max: 365 };
const NAME = { max: 128 };
/**
 * A unit value change applies this long after UpdateProgram: malls that honour the points
 * (redemptions) can stop before a lower value reaches them. Exchanges do not depend on it:
 * their value is fixed in the approved rate.
 */
export const UNIT_VALUE_NOTICE_MS = 7 * DAY_MS;
/** The shortest month: a return window must end before the earliest possible expiry. */
const SHORTEST_MONTH_DAYS = 28;

/** Refuses terms under which points could expire while still pending (window ≥ expiry). */
function requireWindowBeforeExpiry(p: { expiryMonths: number; returnWindowDays: number }): void {
  const minDays = p.expiryMonths * SHORTEST_MONTH_DAYS;
  if (p.returnWindowDays >= minDays) {
    throw inputError(
      'returnWindowDays',
      `must be shorter than the expiry (${p.expiryMonths} month(s) = at least ${minDays} days)`,
    );
  }
}

/** Registers a new program issued by the caller's mall; only that mall's admin may. */
export async function registerProgram(ctx: MallContext, f: Fields): Promise<Program> {
  const who = caller(ctx);
  requireAdminOf(ctx, who.mspId);
  const programId = programIdOf(f);
  const now = txTimeIso(ctx);
  const program: Program = {
    programId,
    issuer: who.mspId,
    name: str(f, 'name', NAME),
    unitValueFen: int(f, 'unitValueFen', UNIT_VALUE),
    expiryMonths: int(f, 'expiryMonths', EXPIRY_MONTHS),
    returnWindowDays: int(f, 'returnWindowDays', RETURN_DAYS),
    createdAt: now,
    updatedAt: now,
  };
  requireWindowBeforeExpiry(program);
  await requireFreeNamespace(ctx, 'programId', programId, who.mspId);
  if (await getJson<Program>(ctx, programKey(ctx, programId))) throw conflict(`program ${programId} already exists`);
  await put(ctx, 'program', programKey(ctx, programId), program);
  return program;
}

/**
 * Changes a program's terms. New dates apply to lots earned from now on (a lot keeps the
 * dates it was given); a new unit value applies after {@link UNIT_VALUE_NOTICE_MS}.
 */
export async function updateProgram(ctx: MallContext, f: Fields): Promise<Program> {
  const programId = programIdOf(f);
  const name = optStr(f, 'name', NAME);
  const unitValueFen = optInt(f, 'unitValueFen', UNIT_VALUE);
  const expiryMonths = optInt(f, 'expiryMonths', EXPIRY_MONTHS);
  const returnWindowDays = optInt(f, 'returnWindowDays', RETURN_DAYS);
  const old = await getProgram(ctx, programId);
  requireAdminOf(ctx, old.issuer);
  const program: Program = {
    ...old,
    ...scheduleUnitValue(old, unitValueFen, txTimeMs(ctx)),
    name: name ?? old.name,
    expiryMonths: expiryMonths ?? old.expiryMonths,
    returnWindowDays: returnWindowDays ?? old.returnWindowDays,
    updatedAt: txTimeIso(ctx),
  };
  requireWindowBeforeExpiry(program);
  await put(ctx, 'program', programKey(ctx, programId), program);
  return program;
}

/** The unit value fields after an update: an effective change is folded in, a new one is scheduled. */
function scheduleUnitValue(
  old: Program,
  unitValueFen: number | undefined,
  nowMs: number,
): Pick<Program, 'unitValueFen' | 'nextUnitValue'> {
  const current = unitValueAt(old, nowMs);
  const pending =
    old.nextUnitValue && Date.parse(old.nextUnitValue.effectiveAt) > nowMs ? old.nextUnitValue : undefined;
  if (unitValueFen === undefined) return { unitValueFen: current, nextUnitValue: pending };
  if (unitValueFen === current) return { unitValueFen: current, nextUnitValue: undefined };
  return {
    unitValueFen: current,
    nextUnitValue: { unitValueFen, effectiveAt: new Date(nowMs + UNIT_VALUE_NOTICE_MS).toISOString() },
  };
}

/** Registers a merchant of the caller's mall; it earns through a program its mall issues. */
export async function registerMerchant(ctx: MallContext, f: Fields): Promise<Merchant> {
  const who = caller(ctx);
  requireAdminOf(ctx, who.mspId);
  const merchantId = str(f, 'merchantId', ID_RULE);
  const name = str(f, 'name', NAME);
  const category = oneOf(f, 'category', MERCHANT_CATEGORIES);
  const programId = programIdOf(f);
  const program = await getProgram(ctx, programId);
  if (program.issuer !== who.mspId) {
    throw inputError(
      'programId',
      `${programId} is issued by ${program.issuer}, not by the merchant's mall ${who.mspId}`,
    );
  }
  await requireFreeNamespace(ctx, 'merchantId', merchantId, who.mspId);
  if (await getJson<Merchant>(ctx, merchantKey(ctx, merchantId)))
    throw conflict(`merchant ${merchantId} already exists`);
  const now = txTimeIso(ctx);
  const merchant: Merchant = {
    merchantId,
    mall: who.mspId,
    name,
    category,
    programId,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  await put(ctx, 'merchant', merchantKey(ctx, merchantId), merchant);
  return merchant;
}

/** Renames, recategorises, suspends or reactivates a merchant; only its mall's admin may. */
export async function updateMerchant(ctx: MallContext, f: Fields): Promise<Merchant> {
  const merchantId = str(f, 'merchantId', ID_RULE);
  const name = optStr(f, 'name', NAME);
  const category = f.category === undefined ? undefined : oneOf(f, 'category', MERCHANT_CATEGORIES);
  const status = f.status === undefined ? undefined : oneOf(f, 'status', ['active', 'suspended'] as const);
  const old = await getMerchant(ctx, merchantId);
  requireAdminOf(ctx, old.mall);
  const merchant: Merchant = {
    ...old,
    name: name ?? old.name,
    category: category ?? old.category,
    status: status ?? old.status,
    updatedAt: txTimeIso(ctx),
  };
  await put(ctx, 'merchant', merchantKey(ctx, merchantId), merchant);
  return merchant;
}
