/**
 * Settlement: a period [from, to) of clearing entries is closed once into a statement of
 * net positions (multilateral netting), which each participating mall's admin confirms.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { authError, inputError, notFound } from '../common/errors';
import { caller, requireAdminOf } from '../common/identity';
import { MallContext, getJson, key, listByPrefix, put, putPlain, removePlain } from '../common/state';
import { Fields, instant, str } from '../common/validate';
import {
  CLOSED_BOUND_KEY,
  ClosedBound,
  MAX_PERIOD_ENTRIES,
  clearingChunk,
  effectiveClosedBound,
  firstClearingBefore,
  periodStartKey,
} from './clearing';
import { ClearingEntry, K, pointsError } from './model';

export interface Position {
  mall: string;
  receivableFen: number;
  payableFen: number;
  /** receivable − payable: positive = the mall is owed money. Positions sum to zero. */
  netFen: number;
}

export interface Payment {
  from: string;
  to: string;
  amountFen: number;
}

export { MAX_LEGACY_STATEMENTS, effectiveClosedBound } from './clearing';

export interface Statement {
  periodId: string;
  from: string;
  to: string;
  entries: number;
  gross: Payment[];
  positions: Position[];
  payments: Payment[];
  closedBy: string;
  closedAt: string;
  txId: string;
}

export interface Confirmation {
  periodId: string;
  mall: string;
  confirmedAt: string;
  txId: string;
}

/** The period's ID is its bounds, so the same period can never get two statements. */
export function periodIdOf(fromIso: string, toIso: string): string {
  return `${fromIso}..${toIso}`;
}

/** A period `{ from, to }` with `to` after `from`, normalised to millisecond ISO strings. */
export function closeOf(f: Fields): { from: string; to: string } {
  const fromMs = instant(f, 'from');
  const toMs = instant(f, 'to');
  if (toMs <= fromMs) throw inputError('to', 'must be after from');
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/** Gross obligations per (debtor, creditor) pair and the net position of every mall. */
export function net(entries: ClearingEntry[]): { gross: Payment[]; positions: Position[] } {
  const gross = addGross([], entries);
  return { gross, positions: positionsOf(gross) };
}

/** `gross` (per pair, as a statement holds it) with `entries` added: netting is a sum, so it goes chunk by chunk. */
export function addGross(gross: Payment[], entries: ClearingEntry[]): Payment[] {
  const pairs = new Map<string, Payment>();
  for (const g of gross) pairs.set(`${g.from}\u0000${g.to}`, { ...g });
  for (const e of entries) {
    const id = `${e.debtor}\u0000${e.creditor}`;
    const pair = pairs.get(id) ?? { from: e.debtor, to: e.creditor, amountFen: 0 };
    pair.amountFen += e.amountFen;
    pairs.set(id, pair);
  }
  return sortPayments([...pairs.values()]);
}

/** Each mall's receivable, payable and net from the gross obligations, in mall order. */
export function positionsOf(gross: Payment[]): Position[] {
  const malls = new Map<string, Position>();
  const pos = (mall: string): Position => {
    const p = malls.get(mall) ?? { mall, receivableFen: 0, payableFen: 0, netFen: 0 };
    malls.set(mall, p);
    return p;
  };
  for (const g of gross) {
    pos(g.from).payableFen += g.amountFen;
    pos(g.to).receivableFen += g.amountFen;
  }
  const positions = [...malls.values()].map((p) => ({ ...p, netFen: p.receivableFen - p.payableFen }));
  return positions.sort((a, b) => order(a.mall, b.mall));
}

/**
 * Settles net positions with at most (malls − 1) payments: the largest debtor pays the
 * largest creditor until both sides are exhausted. Deterministic (ties by MSP ID).
 */
export function payments(positions: Position[]): Payment[] {
  const debtors = positions.filter((p) => p.netFen < 0).map((p) => ({ mall: p.mall, left: -p.netFen }));
  const creditors = positions.filter((p) => p.netFen > 0).map((p) => ({ mall: p.mall, left: p.netFen }));
  const out: Payment[] = [];
  const byLeft = (a: { mall: string; left: number }, b: { mall: string; left: number }): number =>
    b.left - a.left || order(a.mall, b.mall);
  for (;;) {
    debtors.sort(byLeft);
    creditors.sort(byLeft);
    const d = debtors.find((x) => x.left > 0);
    const c = creditors.find((x) => x.left > 0);
    if (!d || !c) break;
    const amountFen = Math.min(d.left, c.left);
    d.left -= amountFen;
    c.left -= amountFen;
    out.push({ from: d.mall, to: c.mall, amountFen });
  }
  return sortPayments(out);
}

function order(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sortPayments(list: Payment[]): Payment[] {
  return list.sort((a, b) => order(a.from, b.from) || order(a.to, b.to));
}

/**
 * Periods close only this long after they end: longer than the ±15 minutes by which a
 * proposal's timestamp may differ from the endorsing peer's clock, so an honest booking is
 * never timestamped inside a period that is already closed.
 */
export const SETTLEMENT_LAG_MS = 30 * 60_000;

/** Refuses a period that overlaps the last closed one, or leaves a gap after it (or before the first entry). */
async function requireContiguous(ctx: MallContext, p: { from: string; to: string }): Promise<void> {
  const bound = await effectiveClosedBound(ctx);
  if (bound && p.from < bound.to) {
    throw pointsError('POINTS_PERIOD_CLOSED', `overlaps the closed period ${bound.periodId}`);
  }
  if (bound && p.from > bound.to) {
    throw pointsError(
      'POINTS_PERIOD_GAP',
      `the next period must start at ${bound.to}, where ${bound.periodId} ended; entries in a gap would never be settled`,
    );
  }
  if (!bound) {
    const first = await firstClearingBefore(ctx, p.from);
    if (first) {
      throw pointsError(
        'POINTS_PERIOD_GAP',
        `a clearing entry at ${first.at} lies before ${p.from}: the first period must start at or before it`,
      );
    }
  }
}

/**
 * Plain key of a close in progress: a period with more entries than one transaction reads is
 * closed in several ClosePeriod transactions, each reading one chunk from the persisted cursor.
 */
export const CLOSING_KEY = 'points~closing';

/** A close that has read part of its period (`points~closing`). */
export interface CloseProgress {
  periodId: string;
  from: string;
  to: string;
  /** Clearing key the next chunk starts at. */
  next: string;
  /** Entries and gross obligations of the chunks read so far. */
  entries: number;
  gross: Payment[];
  startedBy: string;
  startedAt: string;
  txId: string;
}

/** What a ClosePeriod that has not read its whole period returns: call again with the same bounds. */
export interface CloseStep {
  periodId: string;
  from: string;
  to: string;
  final: false;
  entries: number;
  next: string;
}

/**
 * Any mall's admin closes the next period: it starts where the last closed one ended (the
 * first one at or before the first entry) and ends at least {@link SETTLEMENT_LAG_MS} before
 * the transaction time. Closing a period with no entries is allowed: it records that nothing
 * is owed.
 *
 * The first transaction writes the closed bound every booking reads (see clearing.ts), so from
 * its commit on no entry can land in the period, and reads up to `chunk` entries. When the
 * period holds more, it persists a cursor (`points~closing`) and returns a {@link CloseStep};
 * the same call repeated reads the next chunk, and the one that reads the end writes the
 * statement and deletes the cursor. While a close is in progress no other period closes
 * (`POINTS_PERIOD_CLOSING`), and two continuations race on the cursor key (MVCC).
 */
export async function closePeriod(
  ctx: MallContext,
  p: { from: string; to: string },
  chunk = MAX_PERIOD_ENTRIES,
): Promise<Statement | CloseStep> {
  const who = caller(ctx);
  requireAdminOf(ctx, who.mspId);
  if (Date.parse(p.to) > txTimeMs(ctx) - SETTLEMENT_LAG_MS) {
    throw pointsError(
      'POINTS_PERIOD_OPEN',
      `the period ends at ${p.to}, less than ${SETTLEMENT_LAG_MS / 60_000} minutes before the transaction time`,
    );
  }
  const { state, resumed } = await startOrResume(ctx, p, who.mspId);
  const read = await clearingChunk(ctx, state.next, p.to, chunk);
  const done: CloseProgress = {
    ...state,
    entries: state.entries + read.entries.length,
    gross: addGross(state.gross, read.entries),
    txId: ctx.stub.getTxID(),
  };
  if (read.next !== undefined) {
    await putPlain(ctx, 'closeProgress', CLOSING_KEY, { ...done, next: read.next } satisfies CloseProgress);
    return { periodId: done.periodId, ...p, final: false, entries: done.entries, next: read.next };
  }
  if (resumed) await removePlain(ctx, 'closeProgress', CLOSING_KEY);
  const positions = positionsOf(done.gross);
  const statement: Statement = {
    periodId: done.periodId,
    ...p,
    entries: done.entries,
    gross: done.gross,
    positions,
    payments: payments(positions),
    closedBy: done.startedBy,
    closedAt: txTimeIso(ctx),
    txId: done.txId,
  };
  await put(ctx, 'statement', key(ctx, K.statement, done.periodId), statement);
  return statement;
}

/**
 * The cursor of this period's close in progress, or a fresh one after the contiguity checks,
 * with the closed bound written (from then on no booking lands in the period).
 */
async function startOrResume(
  ctx: MallContext,
  p: { from: string; to: string },
  mspId: string,
): Promise<{ state: CloseProgress; resumed: boolean }> {
  const periodId = periodIdOf(p.from, p.to);
  const progress = await getJson<CloseProgress>(ctx, CLOSING_KEY);
  if (progress && progress.periodId !== periodId) {
    throw pointsError(
      'POINTS_PERIOD_CLOSING',
      `the close of ${progress.periodId} is in progress: repeat ClosePeriod with its bounds until it returns the statement`,
    );
  }
  if (progress) return { state: progress, resumed: true };
  await requireContiguous(ctx, p);
  await putPlain(ctx, 'closedBound', CLOSED_BOUND_KEY, { to: p.to, periodId } satisfies ClosedBound);
  const state: CloseProgress = {
    periodId,
    ...p,
    next: periodStartKey(p.from),
    entries: 0,
    gross: [],
    startedBy: mspId,
    startedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  return { state, resumed: false };
}

/** The statement of a closed period, or NOT_FOUND. */
export async function getStatement(ctx: MallContext, periodId: string): Promise<Statement> {
  const s = await getJson<Statement>(ctx, key(ctx, K.statement, periodId));
  if (!s) throw notFound('statement', periodId);
  return s;
}

/** The `periodId` member of a request. */
export const periodOf = (f: Fields): string => str(f, 'periodId', { max: 60 });

/** A participating mall's admin confirms its statement (each under its own key: no contention). */
export async function confirmStatement(ctx: MallContext, periodId: string): Promise<Confirmation> {
  const who = caller(ctx);
  requireAdminOf(ctx, who.mspId);
  const statement = await getStatement(ctx, periodId);
  if (!statement.positions.some((p) => p.mall === who.mspId)) {
    throw authError('AUTH_FORBIDDEN', `${who.mspId} has no position in ${periodId}`);
  }
  const cKey = key(ctx, K.confirmation, periodId, who.mspId);
  if (await getJson<Confirmation>(ctx, cKey))
    throw pointsError('POINTS_ALREADY_CONFIRMED', `${who.mspId} already confirmed ${periodId}`);
  const confirmation: Confirmation = {
    periodId,
    mall: who.mspId,
    confirmedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'confirmation', cKey, confirmation);
  return confirmation;
}

/** The confirmations of a period's statement, in mall order. */
export async function confirmations(ctx: MallContext, periodId: string): Promise<Confirmation[]> {
  return (await listByPrefix<Confirmation>(ctx, K.confirmation, [periodId], 'confirmations')).map((r) => r.value);
}
