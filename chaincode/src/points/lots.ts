/**
 * Lots and their state. A point is pending until its lot's return window closes, then
 * available until the lot expires; it leaves its lot as redeemed, reversed, expired or
 * moved (transfer/exchange). Spending always takes the available lots that expire first.
 */
import { Context } from 'fabric-contract-api';
import { DAY_MS, addMonths } from '../common/clock';
import { listByPrefix } from '../common/state';
import { K, Lot, LotOrigin, LotTake, Program, pointsError } from './model';

export type LotState = 'pending' | 'available' | 'expiring' | 'empty';

/** State of a lot's remaining points at `nowMs`; `expiring` = past its date, awaiting Expire. */
export function lotState(lot: Lot, nowMs: number): LotState {
  if (lot.remaining === 0) return 'empty';
  if (Date.parse(lot.expiresAt) <= nowMs) return 'expiring';
  return Date.parse(lot.availableAt) <= nowMs ? 'available' : 'pending';
}

export interface NewLot {
  lotId: string;
  member: string;
  program: Program;
  origin: LotOrigin;
  sourceRef: string;
  amount: number;
  earnedAtMs: number;
}

/** A fresh lot with the program's return window and expiry applied from `earnedAtMs`. */
export function newLot(n: NewLot): Lot {
  return {
    lotId: n.lotId,
    member: n.member,
    programId: n.program.programId,
    origin: n.origin,
    sourceRef: n.sourceRef,
    amount: n.amount,
    remaining: n.amount,
    redeemed: 0,
    reversed: 0,
    expired: 0,
    movedOut: 0,
    earnedAt: new Date(n.earnedAtMs).toISOString(),
    availableAt: new Date(n.earnedAtMs + n.program.returnWindowDays * DAY_MS).toISOString(),
    expiresAt: new Date(addMonths(n.earnedAtMs, n.program.expiryMonths)).toISOString(),
  };
}

/**
 * The live lots (those still holding points) of a member, optionally in one program, in key
 * order. More than MAX_RANGE_ROWS (state.ts) is LIMIT_EXCEEDED, never a cut list taken as complete.
 */
export async function memberLots(ctx: Context, member: string, programId?: string): Promise<Lot[]> {
  const parts = programId === undefined ? [member] : [member, programId];
  const rows = await listByPrefix<Lot>(ctx, K.lot, parts, `live lots of ${member}`);
  return rows.map((r) => r.value);
}

/** The compacted (empty) lots of a member, optionally in one program. */
export async function spentLots(ctx: Context, member: string, programId?: string): Promise<Lot[]> {
  const parts = programId === undefined ? [member] : [member, programId];
  const rows = await listByPrefix<Lot>(ctx, K.spentLot, parts, `empty lots of ${member}`);
  return rows.map((r) => r.value);
}

/** Where spent points go: redeemed, moved out (transfer, exchange) or reversed (a debit adjustment). */
export type SpendBucket = 'redeemed' | 'movedOut' | 'reversed';

export interface Spend {
  /** The lots as they are after the spend (only the ones touched). */
  changed: Lot[];
  takes: LotTake[];
}

/**
 * Takes `amount` available points from `lots`, soonest expiry first (ties by lot id so
 * that every endorser picks the same lots). Throws POINTS_INSUFFICIENT when there are not
 * enough, naming what is available.
 */
export function spend(lots: Lot[], amount: number, nowMs: number, bucket: SpendBucket): Spend {
  const usable = lots
    .filter((l) => lotState(l, nowMs) === 'available')
    .sort((a, b) => (a.expiresAt === b.expiresAt ? cmp(a.lotId, b.lotId) : cmp(a.expiresAt, b.expiresAt)));
  const available = usable.reduce((sum, l) => sum + l.remaining, 0);
  if (available < amount) {
    throw pointsError('POINTS_INSUFFICIENT', `${amount} points requested, ${available} available`);
  }
  const changed: Lot[] = [];
  const takes: LotTake[] = [];
  let left = amount;
  for (const lot of usable) {
    if (left === 0) break;
    const points = Math.min(left, lot.remaining);
    left -= points;
    changed.push({ ...lot, remaining: lot.remaining - points, [bucket]: lot[bucket] + points });
    takes.push({ lotId: lot.lotId, points });
  }
  return { changed, takes };
}

function cmp(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export interface Balance {
  programId: string;
  available: number;
  pending: number;
  /** Available points whose lot expires within `expiringWithinDays`. */
  expiringSoon: number;
  expiringWithinDays: number;
  /** Past their date and no longer spendable; the issuer's next Expire books them. */
  awaitingExpiry: number;
}

/** A member's balances per program at `nowMs`, sorted by program ID. */
export function balances(lots: Lot[], nowMs: number, withinDays: number): Balance[] {
  const byProgram = new Map<string, Balance>();
  const horizon = nowMs + withinDays * DAY_MS;
  for (const lot of lots) {
    const b = byProgram.get(lot.programId) ?? emptyBalance(lot.programId, withinDays);
    byProgram.set(lot.programId, b);
    const state = lotState(lot, nowMs);
    if (state === 'pending') b.pending += lot.remaining;
    if (state === 'expiring') b.awaitingExpiry += lot.remaining;
    if (state === 'available') {
      b.available += lot.remaining;
      if (Date.parse(lot.expiresAt) <= horizon) b.expiringSoon += lot.remaining;
    }
  }
  return [...byProgram.values()].sort((a, b) => cmp(a.programId, b.programId));
}

/** A balance with nothing in it. */
export function emptyBalance(programId: string, withinDays: number): Balance {
  return { programId, available: 0, pending: 0, expiringSoon: 0, expiringWithinDays: withinDays, awaitingExpiry: 0 };
}
