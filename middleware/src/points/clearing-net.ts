/**
 * The netting of a clearing window: what each pair of malls owes once their entries both ways are set off, and each
 * mall's receivable, payable and net. The same arithmetic as a statement's positions (chaincode
 * `settlement.ts positionsOf`), for a window that is not closed yet, so the console draws the route's figures
 * rather than computing its own.
 */
import type { ClearingNet, Owed } from '../console/api-types';

/** One clearing entry as the cache and `GetClearing` give it (only the fields netting reads). */
export interface ClearingAmount {
  readonly debtor: string;
  readonly creditor: string;
  readonly amountFen: number;
}

export type { ClearingNet, NetPosition, Owed } from '../console/api-types';

const order = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/** Nets `entries` of the window `[from, to)`. */
export function clearingNet(from: string, to: string, entries: readonly ClearingAmount[]): ClearingNet {
  const pair = new Map<string, { a: string; b: string; aOwesB: number }>();
  const malls = new Map<string, { receivableFen: number; payableFen: number }>();
  const mall = (m: string): { receivableFen: number; payableFen: number } => {
    const p = malls.get(m) ?? { receivableFen: 0, payableFen: 0 };
    malls.set(m, p);
    return p;
  };
  for (const e of entries) {
    const [a, b] = order(e.debtor, e.creditor) <= 0 ? [e.debtor, e.creditor] : [e.creditor, e.debtor];
    const k = `${a}\u0000${b}`;
    const p = pair.get(k) ?? { a, b, aOwesB: 0 };
    p.aOwesB += e.debtor === a ? e.amountFen : -e.amountFen;
    pair.set(k, p);
    mall(e.debtor).payableFen += e.amountFen;
    mall(e.creditor).receivableFen += e.amountFen;
  }
  const owed: Owed[] = [];
  for (const { a, b, aOwesB } of pair.values()) {
    if (aOwesB > 0) owed.push({ debtor: a, creditor: b, amountFen: aOwesB });
    if (aOwesB < 0) owed.push({ debtor: b, creditor: a, amountFen: -aOwesB });
  }
  owed.sort((x, y) => y.amountFen - x.amountFen || order(x.debtor, y.debtor) || order(x.creditor, y.creditor));
  const positions = [...malls.entries()]
    .map(([m, p]) => ({ mall: m, ...p, netFen: p.receivableFen - p.payableFen }))
    .sort((x, y) => order(x.mall, y.mall));
  return { from, to, entries: entries.length, owed, positions };
}
