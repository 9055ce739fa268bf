import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { DataSource, QueryRunner } from 'typeorm';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { ProjectionService } from './projection.service';
import { ProjectorRegistry } from './projector-registry';
import type { EntityVerifier } from './projection.types';

export type VerifyProblem = 'differs' | 'missingOnLedger' | 'missingInReadModel';

export interface VerifyExample {
  readonly table: string;
  readonly entity: string;
  readonly id: string;
  readonly problem: VerifyProblem;
  readonly readModel: unknown;
  readonly ledger: unknown;
}

export interface VerifyCounts {
  readonly table: string;
  equal: number;
  differing: number;
  /** In the read model but not on the ledger, or on the ledger but not in this table. */
  missing: number;
}

export interface VerifyReport {
  /** The live checkpoint when the check started. */
  readonly checkpoint: { blockNumber: string; txId: string } | null;
  readonly keysChecked: number;
  readonly tables: VerifyCounts[];
  /** `ledger_state` rows of entities no verifier reads from the peer, by entity. */
  readonly unverifiable: Record<string, number>;
  readonly examples: VerifyExample[];
  /** Stopped at `maxKeys` before every key was checked. */
  readonly truncated: boolean;
  readonly equal: boolean;
}

export interface VerifyOptions {
  readonly maxKeys?: number;
  readonly maxExamples?: number;
}

const PAGE = 200;
const CONCURRENCY = 16;

interface StateRow {
  entity: string;
  id: string;
  data: unknown;
}

/**
 * Checks the read model against the world state on the peer: every `ledger_state` row of an entity
 * whose projector has a verifier, and that entity's typed table, are compared with the value the
 * chaincode's query returns (evaluated, nothing written). A key that differs is read again on both
 * sides once, so a change still on its way into the read model is not reported.
 */
@Injectable()
export class VerifyService {
  readonly #logger = new Logger('Verify');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly projection: ProjectionService,
    private readonly registry: ProjectorRegistry,
  ) {}

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const maxKeys = options.maxKeys ?? 100_000;
    const cp = await this.projection.checkpoint();
    const run = new Run(options.maxExamples ?? 20);
    const qr = this.ds.createQueryRunner();
    try {
      await this.#unverifiable(qr, run);
      for (const p of this.registry.all()) {
        if (!p.verifier) continue;
        const table = p.tables[0] ?? p.entity;
        const done = await this.#entity(qr, p.entity, table, p.verifier, run, maxKeys);
        if (!done) break;
      }
    } finally {
      await qr.release();
    }
    const report = run.report(cp ? { blockNumber: cp.blockNumber.toString(), txId: cp.txId ?? '' } : null, maxKeys);
    this.#logger.log(`verify: ${report.keysChecked.toString()} keys, equal=${String(report.equal)}`);
    return report;
  }

  async #unverifiable(qr: QueryRunner, run: Run): Promise<void> {
    const verified = this.registry
      .all()
      .filter((p) => p.verifier)
      .map((p) => p.entity);
    const rows = (await qr.query(
      `SELECT entity, count(*)::int AS n FROM ledger_state WHERE NOT (entity = ANY($1::text[])) GROUP BY entity`,
      [verified],
    )) as { entity: string; n: number }[];
    for (const r of rows) run.unverifiable[r.entity] = r.n;
  }

  /** Pages through the entity's keys; `false` when `maxKeys` was reached. */
  async #entity(
    qr: QueryRunner,
    entity: string,
    table: string,
    v: EntityVerifier,
    run: Run,
    maxKeys: number,
  ): Promise<boolean> {
    let after = '';
    for (;;) {
      const rows = (await qr.query(
        `SELECT entity, id, data FROM ledger_state WHERE entity = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [entity, after, PAGE],
      )) as StateRow[];
      if (rows.length === 0) break;
      if (!(await this.#page(qr, entity, table, v, rows, run, maxKeys))) return false;
      after = rows[rows.length - 1]?.id ?? after;
    }
    const orphans = (await v.orphans(qr)).map((id) => ({ entity, id, data: undefined }));
    for (let i = 0; i < orphans.length; i += PAGE) {
      if (!(await this.#page(qr, entity, table, v, orphans.slice(i, i + PAGE), run, maxKeys))) return false;
    }
    return true;
  }

  async #page(
    qr: QueryRunner,
    entity: string,
    table: string,
    v: EntityVerifier,
    rows: readonly StateRow[],
    run: Run,
    maxKeys: number,
  ): Promise<boolean> {
    const room = maxKeys - run.keysChecked;
    const page = rows.slice(0, Math.max(0, room));
    const typed = await v.fromTable(
      qr,
      page.map((r) => r.id),
    );
    const onLedger = await mapLimit(page, CONCURRENCY, (r) => v.fromLedger(this.ledger, r.id));
    for (const [i, r] of page.entries()) {
      let ledger = onLedger[i];
      let state = r.data;
      let row = typed.get(r.id);
      if (!same(state, ledger) || !same(row, ledger)) {
        // Read both sides again: the key may have changed on the ledger after the first read of the read model.
        ledger = await v.fromLedger(this.ledger, r.id);
        state = await this.#state(qr, entity, r.id);
        row = (await v.fromTable(qr, [r.id])).get(r.id);
      }
      run.count('ledger_state', entity, r.id, state, ledger);
      run.count(table, entity, r.id, row, ledger);
    }
    return page.length === rows.length;
  }

  async #state(qr: QueryRunner, entity: string, id: string): Promise<unknown> {
    const rows = (await qr.query(`SELECT data FROM ledger_state WHERE entity = $1 AND id = $2`, [entity, id])) as {
      data: unknown;
    }[];
    return rows[0]?.data;
  }
}

/** Tallies of one verify run. */
class Run {
  keysChecked = 0;
  readonly tables = new Map<string, VerifyCounts>();
  readonly unverifiable: Record<string, number> = {};
  readonly examples: VerifyExample[] = [];
  #lastKey = '';

  constructor(private readonly maxExamples: number) {}

  count(table: string, entity: string, id: string, readModel: unknown, ledger: unknown): void {
    const key = `${entity}\u0000${id}`;
    if (key !== this.#lastKey) this.keysChecked++;
    this.#lastKey = key;
    const c = this.tables.get(table) ?? { table, equal: 0, differing: 0, missing: 0 };
    this.tables.set(table, c);
    const problem = problemOf(readModel, ledger);
    if (problem === undefined) {
      // Both absent (an orphan's ledger_state row) is not a finding; present and equal is.
      if (readModel !== undefined) c.equal++;
      return;
    }
    if (problem === 'differs') c.differing++;
    else c.missing++;
    if (this.examples.length < this.maxExamples) this.examples.push({ table, entity, id, problem, readModel, ledger });
  }

  report(checkpoint: VerifyReport['checkpoint'], maxKeys: number): VerifyReport {
    const tables = [...this.tables.values()];
    return {
      checkpoint,
      keysChecked: this.keysChecked,
      tables,
      unverifiable: this.unverifiable,
      examples: this.examples,
      truncated: this.keysChecked >= maxKeys,
      equal: tables.every((t) => t.differing === 0 && t.missing === 0),
    };
  }
}

function problemOf(readModel: unknown, ledger: unknown): VerifyProblem | undefined {
  if (readModel === undefined && ledger === undefined) return undefined;
  if (readModel === undefined) return 'missingInReadModel';
  if (ledger === undefined) return 'missingOnLedger';
  return same(readModel, ledger) ? undefined : 'differs';
}

function same(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

/** `fn` over `items` with at most `limit` at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
