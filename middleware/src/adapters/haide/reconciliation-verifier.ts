import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors';
import { PointsLedger } from '../../ledger/domain/points.ledger';
import {
  type CommittedAdjustment,
  type CommittedItem,
  ReconciliationStore,
  type TillDay,
} from './reconciliation.store';

/**
 * At most this many committed items (receipts, redemptions and adjustments of one orgCode and day) are looked up on
 * the peer.
 */
export const VERIFY_LEDGER_MAX_ITEMS = 5_000;
/** Evaluations in flight at once (each is one read on this mall's peer, nothing is ordered). */
const CONCURRENCY = 16;

/** The committed figures of a till's day as this mall's peer has them. */
export interface LedgerTillDay {
  readonly committed: number;
  readonly pointsCredited: number;
  readonly pointsReversed: number;
  readonly redemptionsCommitted: number;
  readonly pointsRedeemed: number;
}

/** The committed manual corrections of the day as this mall's peer has them (debits as positive points). */
export interface LedgerAdjustmentsDay {
  readonly committed: number;
  readonly pointsCredited: number;
  readonly pointsDebited: number;
}

/**
 * One item whose cache figure and ledger figure differ (`ledger: null`: the ledger has no such record). An
 * adjustment names no till: `posNo` is '' and `flowNo` its adjustNo.
 */
export interface Mismatch {
  readonly posNo: string;
  readonly flowNo: string;
  readonly kind: CommittedItem['kind'] | 'adjust';
  /** `points` (of the accrual or redemption), or `reversed` (all reversals of the sale a return names). */
  readonly field: 'points' | 'reversed';
  readonly cache: number;
  readonly ledger: number | null;
}

export interface Verification {
  readonly tills: Map<string, LedgerTillDay>;
  readonly adjustments: LedgerAdjustmentsDay;
  readonly mismatches: Mismatch[];
}

async function eachLimited<T>(items: readonly T[], n: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await f(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * `verify=ledger`: the committed figures of a day recomputed from this mall's peer, item by item, by source ref
 * (`GetAccrual` of each sale and of the sale each return names, `GetRedemption` of each redemption; evaluated,
 * never submitted). Bounded by {@link VERIFY_LEDGER_MAX_ITEMS}.
 */
@Injectable()
export class ReconciliationVerifier {
  constructor(
    private readonly store: ReconciliationStore,
    private readonly points: PointsLedger,
  ) {}

  async verify(orgCode: string, businessDate: string, tills: readonly TillDay[]): Promise<Verification> {
    const n = await this.store.committedCount(orgCode, businessDate);
    if (n > VERIFY_LEDGER_MAX_ITEMS)
      throw new AppError(
        413,
        'INPUT_INVALID',
        `verify=ledger: ${n} committed items on ${businessDate}, more than the ${VERIFY_LEDGER_MAX_ITEMS} one request checks`,
      );
    const items = await this.store.committedItems(orgCode, businessDate);
    const figures = new Map<string, { -readonly [K in keyof LedgerTillDay]: number }>();
    for (const t of tills)
      figures.set(t.posNo, {
        committed: 0,
        pointsCredited: 0,
        pointsReversed: 0,
        redemptionsCommitted: 0,
        pointsRedeemed: 0,
      });
    const till = (posNo: string): { -readonly [K in keyof LedgerTillDay]: number } => {
      let f = figures.get(posNo);
      if (!f) {
        f = { committed: 0, pointsCredited: 0, pointsReversed: 0, redemptionsCommitted: 0, pointsRedeemed: 0 };
        figures.set(posNo, f);
      }
      return f;
    };
    const mismatches: Mismatch[] = [];
    const differ = (it: CommittedItem, field: Mismatch['field'], cache: number, ledger: number | null): void => {
      mismatches.push({ posNo: it.posNo, flowNo: it.flowNo, kind: it.kind, field, cache, ledger });
    };
    // The sales the day's returns name, each looked up once; the reversals of a sale on other days are in its total.
    const returnsOf = new Map<string, CommittedItem[]>();
    await eachLimited(items, CONCURRENCY, async (it) => {
      if (it.kind === 'sale') {
        const a = await this.points.accrual(it.programId, it.ref);
        if (!a) {
          differ(it, 'points', it.points, null);
          return;
        }
        const t = till(it.posNo);
        t.committed += 1;
        t.pointsCredited += a.amount;
        if (a.amount !== it.points) differ(it, 'points', it.points, a.amount);
      } else if (it.kind === 'redeem') {
        const r = await this.points.redemption(it.merchant, it.ref);
        if (!r) {
          differ(it, 'points', it.points, null);
          return;
        }
        const t = till(it.posNo);
        t.redemptionsCommitted += 1;
        t.pointsRedeemed += r.amount;
        if (r.amount !== it.points) differ(it, 'points', it.points, r.amount);
      } else {
        const list = returnsOf.get(it.ref) ?? [];
        list.push(it);
        returnsOf.set(it.ref, list);
      }
    });
    await eachLimited([...returnsOf.values()], CONCURRENCY, async (returns) => {
      const first = returns[0] as CommittedItem;
      const a = await this.points.accrual(first.programId, first.ref);
      for (const it of returns) {
        if (!a) {
          differ(it, 'reversed', it.saleReversed, null);
          continue;
        }
        const t = till(it.posNo);
        t.committed += 1;
        t.pointsReversed += it.points;
      }
      // The cache's total of the sale's committed returns (any day) against the ledger's: a difference is the day's.
      if (a && a.reversed !== first.saleReversed) {
        till(first.posNo).pointsReversed += a.reversed - first.saleReversed;
        for (const it of returns) differ(it, 'reversed', it.saleReversed, a.reversed);
      }
    });
    const adjustments = await this.#adjustments(
      await this.store.committedAdjustments(orgCode, businessDate),
      mismatches,
    );
    mismatches.sort(
      (x, y) => x.posNo.localeCompare(y.posNo) || x.flowNo.localeCompare(y.flowNo) || x.field.localeCompare(y.field),
    );
    return { tills: figures, adjustments, mismatches };
  }

  /** A credit by its accrual (`GetAccrual` of its sourceRef), a debit by its record (`GetAdjustment` of its ref). */
  async #adjustments(items: readonly CommittedAdjustment[], mismatches: Mismatch[]): Promise<LedgerAdjustmentsDay> {
    const day = { committed: 0, pointsCredited: 0, pointsDebited: 0 };
    await eachLimited(items, CONCURRENCY, async (it) => {
      const credit = it.points > 0;
      const found = credit
        ? await this.points.accrual(it.programId, it.ref)
        : await this.points.adjustment(it.programId, it.ref);
      const cache = Math.abs(it.points);
      const differ = (ledger: number | null): void => {
        mismatches.push({ posNo: '', flowNo: it.adjustNo, kind: 'adjust', field: 'points', cache, ledger });
      };
      if (!found) {
        differ(null);
        return;
      }
      day.committed += 1;
      if (credit) day.pointsCredited += found.amount;
      else day.pointsDebited += found.amount;
      if (found.amount !== cache) differ(found.amount);
    });
    return day;
  }
}
