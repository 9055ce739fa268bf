import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DailyPointsDay, LiabilityView } from '../../console/api-types';
import { NotFoundError } from '../../common/errors';
import {
  ACCRUALS,
  CLEARING,
  CONFIRMATIONS,
  HISTORY,
  LOT_COLUMNS,
  MERCHANTS,
  PROGRAMS,
  RATES,
  REDEMPTIONS,
  type Rec,
  STATEMENTS,
  type TableSpec,
  recordFromRow,
} from './points-tables';

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;

/** A member's balance in one program, in the shape of `points:GetBalance`. */
export interface BalanceView {
  readonly programId: string;
  readonly available: number;
  readonly pending: number;
  readonly expiringSoon: number;
  readonly expiringWithinDays: number;
  readonly awaitingExpiry: number;
}

/** A close in progress: its bounds, the clearing key its next step reads from, and the mall that started it. */
export interface CloseCursorView {
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly next: string;
  readonly startedBy: string;
}

/** Lot state at `now`, as the chaincode's `lotState`. */
function lotState(r: Rec, nowMs: number): string {
  if (r.remaining === 0) return 'empty';
  if (Date.parse(String(r.expiresAt)) <= nowMs) return 'expiring';
  return Date.parse(String(r.availableAt)) <= nowMs ? 'available' : 'pending';
}

/**
 * Reads of the points read model, every one by key or by an indexed member / period range — none sums the event
 * log. Answers have the shape of the matching chaincode query, so that cache and `?consistency=ledger` compare.
 */
@Injectable()
export class PointsReadStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  #rows(sql: string, params: unknown[]): Promise<Row[]> {
    return this.ds.query<Row[]>(sql, params);
  }

  async #one(spec: TableSpec, what: string, id: string, where: string, params: unknown[]): Promise<Rec> {
    const r = (await this.#rows(`SELECT * FROM "${spec.table}" WHERE ${where}`, params))[0];
    if (!r) throw new NotFoundError(what, id);
    return recordFromRow(spec.columns, r, spec.writtenOnce);
  }

  async programs(): Promise<Rec[]> {
    const rows = await this.#rows(`SELECT * FROM points_programs ORDER BY program_id COLLATE "C"`, []);
    return rows.map((r) => recordFromRow(PROGRAMS.columns, r));
  }

  program(programId: string): Promise<Rec> {
    return this.#one(PROGRAMS, 'program', programId, 'program_id = $1', [programId]);
  }

  /** Programs this mall issues (the expiry job sweeps these). */
  async issuedBy(mall: string): Promise<string[]> {
    const rows = await this.#rows(`SELECT program_id FROM points_programs WHERE issuer = $1 ORDER BY program_id`, [
      mall,
    ]);
    return rows.map((r) => String(r.program_id));
  }

  /**
   * The chunked close in progress as last projected (the chaincode's `points~closing` cursor, a `ledger_state` row
   * of entity `closeProgress`), or undefined when none is.
   */
  async closeInProgress(): Promise<CloseCursorView | undefined> {
    const rows = await this.#rows(`SELECT data FROM ledger_state WHERE entity = 'closeProgress' AND id = $1`, [
      'points~closing',
    ]);
    const d = rows[0]?.data as Partial<CloseCursorView> | undefined;
    if (typeof d?.from !== 'string' || typeof d.to !== 'string' || typeof d.next !== 'string') return undefined;
    return { from: d.from, to: d.to, next: d.next, startedBy: String(d.startedBy), periodId: String(d.periodId) };
  }

  async merchants(programId?: string): Promise<Rec[]> {
    const rows = await this.#rows(
      `SELECT * FROM points_merchants WHERE ($1::text IS NULL OR program_id = $1) ORDER BY merchant_id COLLATE "C"`,
      [programId ?? null],
    );
    return rows.map((r) => recordFromRow(MERCHANTS.columns, r));
  }

  merchant(merchantId: string): Promise<Rec> {
    return this.#one(MERCHANTS, 'merchant', merchantId, 'merchant_id = $1', [merchantId]);
  }

  /**
   * Liability per program: points outstanding (every member's balance row) × the unit value now; the live lots expiring
   * within `withinDays` are what the next expiry sweeps may release.
   */
  async liabilities(nowMs: number, withinDays = 30): Promise<LiabilityView[]> {
    const rows = await this.#rows(
      `SELECT p.program_id, p.issuer, p.name, p.unit_value_fen,
         coalesce((SELECT sum(b.remaining) FROM points_balances b WHERE b.program_id = p.program_id), 0)::float8
           AS outstanding,
         coalesce((SELECT sum(l.remaining) FROM points_lots l WHERE l.program_id = p.program_id AND l.live
           AND l.expires_at > $1 AND l.expires_at <= $2), 0)::float8 AS soon
       FROM points_programs p ORDER BY p.program_id COLLATE "C"`,
      [new Date(nowMs), new Date(nowMs + withinDays * DAY_MS)],
    );
    return rows.map((r) => {
      const outstanding = Number(r.outstanding);
      const unitValueFen = Number(r.unit_value_fen);
      return {
        programId: String(r.program_id),
        issuer: String(r.issuer),
        name: String(r.name),
        unitValueFen,
        outstanding,
        liabilityFen: outstanding * unitValueFen,
        expiringSoon: Number(r.soon),
        expiringWithinDays: withinDays,
      };
    });
  }

  /**
   * Balances: the total per program is the incrementally kept `points_balances` row; how much of it is pending,
   * awaiting expiry or expiring soon depends on the clock, so it is read from the member's live lots (indexed).
   */
  async balances(
    member: string,
    programId: string | undefined,
    nowMs: number,
    withinDays = 30,
  ): Promise<BalanceView[]> {
    const now = new Date(nowMs);
    const horizon = new Date(nowMs + withinDays * DAY_MS);
    const rows = await this.#rows(
      `SELECT b.program_id, b.remaining::float8 AS total,
         coalesce(sum(l.remaining) FILTER (WHERE l.expires_at <= $3), 0)::float8 AS awaiting,
         coalesce(sum(l.remaining) FILTER (WHERE l.expires_at > $3 AND l.available_at > $3), 0)::float8 AS pending,
         coalesce(sum(l.remaining) FILTER (WHERE l.expires_at > $3 AND l.available_at <= $3 AND l.expires_at <= $4), 0)::float8 AS soon
       FROM points_balances b
       LEFT JOIN points_lots l ON l.member = b.member AND l.program_id = b.program_id AND l.live
       WHERE b.member = $1 AND ($2::text IS NULL OR b.program_id = $2) AND ($2::text IS NOT NULL OR b.remaining > 0)
       GROUP BY b.program_id, b.remaining ORDER BY b.program_id COLLATE "C"`,
      [member, programId ?? null, now, horizon],
    );
    const views = rows.map((r) => {
      const total = Number(r.total);
      const pending = Number(r.pending);
      const awaitingExpiry = Number(r.awaiting);
      return {
        programId: String(r.program_id),
        available: total - pending - awaitingExpiry,
        pending,
        expiringSoon: Number(r.soon),
        expiringWithinDays: withinDays,
        awaitingExpiry,
      };
    });
    if (programId !== undefined && views.length === 0)
      return [
        { programId, available: 0, pending: 0, expiringSoon: 0, expiringWithinDays: withinDays, awaitingExpiry: 0 },
      ];
    return views;
  }

  async lots(member: string, programId: string | undefined, includeEmpty: boolean, nowMs: number): Promise<Rec[]> {
    const rows = await this.#rows(
      `SELECT * FROM points_lots WHERE member = $1 AND ($2::text IS NULL OR program_id = $2) AND (live OR $3)
       ORDER BY live DESC, program_id COLLATE "C", lot_id COLLATE "C"`,
      [member, programId ?? null, includeEmpty],
    );
    return rows
      .map((r) => recordFromRow(LOT_COLUMNS, r))
      .map((r) => ({ ...r, state: lotState(r, nowMs) }))
      .filter((r) => includeEmpty || r.state !== 'empty');
  }

  /** Newest first, as the ledger keys sort (byte order of the key, hence `COLLATE "C"`). */
  async history(member: string, limit: number): Promise<Rec[]> {
    const rows = await this.#rows(
      `SELECT * FROM points_history WHERE member = $1 ORDER BY ledger_key COLLATE "C" LIMIT $2`,
      [member, limit],
    );
    return rows.map((r) => recordFromRow(HISTORY.columns, r, true));
  }

  accrual(programId: string, sourceRef: string): Promise<Rec> {
    return this.#one(ACCRUALS, 'accrual', `${programId}/${sourceRef}`, 'program_id = $1 AND source_ref = $2', [
      programId,
      sourceRef,
    ]);
  }

  redemption(merchant: string, ref: string): Promise<Rec> {
    return this.#one(REDEMPTIONS, 'redemption', `${merchant}/${ref}`, 'merchant = $1 AND ref = $2', [merchant, ref]);
  }

  rate(fromProgram: string, toProgram: string): Promise<Rec> {
    return this.#one(RATES, 'rate', `${fromProgram}/${toProgram}`, 'from_program = $1 AND to_program = $2', [
      fromProgram,
      toProgram,
    ]);
  }

  /** Clearing entries with `from <= at < to`, in ledger (time) order. */
  async clearing(from: string, to: string, mall?: string): Promise<Rec[]> {
    const rows = await this.#rows(
      `SELECT * FROM points_clearing WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR debtor = $3 OR creditor = $3)
       ORDER BY ledger_key COLLATE "C"`,
      [from, to, mall ?? null],
    );
    return rows.map((r) => recordFromRow(CLEARING.columns, r, true));
  }

  /**
   * Points accrued (by `earnedAt`), reversed and redeemed per Asia/Shanghai day of one program, every day of
   * `[fromDay, toDay]` (zeros included): three grouped sums over the accrual, reversal and redemption tables,
   * bounded by the instants of the range. Not found when the program is not in the read model.
   */
  async daily(programId: string, fromDay: string, toDay: string, from: Date, to: Date): Promise<DailyPointsView> {
    await this.program(programId);
    const day = (column: string): string => `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
    const rows = await this.#rows(
      `SELECT 'a' AS kind, ${day('earned_at')} AS day, sum(amount)::float8 AS points, count(*)::int AS n
         FROM points_accruals WHERE program_id = $1 AND earned_at >= $2 AND earned_at < $3 GROUP BY 2
       UNION ALL
       SELECT 'v', ${day('at')}, sum(amount)::float8, count(*)::int
         FROM points_reversals WHERE program_id = $1 AND at >= $2 AND at < $3 GROUP BY 2
       UNION ALL
       SELECT 'r', ${day('at')}, sum(amount)::float8, count(*)::int
         FROM points_redemptions WHERE program_id = $1 AND at >= $2 AND at < $3 GROUP BY 2`,
      [programId, from, to],
    );
    const days = new Map<string, { -readonly [K in keyof DailyPointsDay]: DailyPointsDay[K] }>();
    for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
      const d = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
      days.set(d, { day: d, accrued: 0, accruals: 0, reversed: 0, reversals: 0, redeemed: 0, redemptions: 0 });
    }
    for (const r of rows) {
      const d = days.get(String(r.day));
      if (!d) continue;
      const points = Number(r.points);
      const n = Number(r.n);
      if (r.kind === 'a') [d.accrued, d.accruals] = [points, n];
      else if (r.kind === 'v') [d.reversed, d.reversals] = [points, n];
      else [d.redeemed, d.redemptions] = [points, n];
    }
    return { programId, timeZone: 'Asia/Shanghai', from: fromDay, to: toDay, days: [...days.values()] };
  }

  async statements(): Promise<Rec[]> {
    const rows = await this.#rows(`SELECT * FROM points_statements ORDER BY period_from DESC`, []);
    return rows.map((r) => recordFromRow(STATEMENTS.columns, r, true));
  }

  /**
   * Statements in which `mall` has a position and which hold no confirmation of `mall` yet (as projected), newest
   * period first: what waits for that mall's admin.
   */
  async awaiting(mall: string): Promise<Rec[]> {
    const rows = await this.#rows(
      `SELECT s.* FROM points_statements s
        WHERE s.positions @> jsonb_build_array(jsonb_build_object('mall', $1::text))
          AND NOT EXISTS (SELECT 1 FROM points_confirmations c WHERE c.period_id = s.period_id AND c.mall = $1)
        ORDER BY s.period_from DESC`,
      [mall],
    );
    return rows.map((r) => recordFromRow(STATEMENTS.columns, r, true));
  }

  async statement(periodId: string): Promise<{ statement: Rec; confirmations: Rec[] }> {
    const statement = await this.#one(STATEMENTS, 'statement', periodId, 'period_id = $1', [periodId]);
    const rows = await this.#rows(`SELECT * FROM points_confirmations WHERE period_id = $1 ORDER BY mall`, [periodId]);
    return { statement, confirmations: rows.map((r) => recordFromRow(CONFIRMATIONS.columns, r, true)) };
  }
}

/** The liability and per-day answers are the console's types (console/api-types.ts). */
export type { DailyPointsDay, LiabilityView } from '../../console/api-types';

/** `GET /v1/points/daily`: every day of the range, in order. */
export interface DailyPointsView {
  readonly programId: string;
  readonly timeZone: 'Asia/Shanghai';
  readonly from: string;
  readonly to: string;
  readonly days: readonly DailyPointsDay[];
}
