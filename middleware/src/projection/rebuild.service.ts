import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { EventBatcher } from './event-batcher';
import { ProjectionService } from './projection.service';
import { ProjectorRegistry } from './projector-registry';
import { quoteSchema } from './projector';
import { SwapBehindError, swapTables } from './rebuild-swap';
import { inTransaction } from '../database/transaction';
import type { LedgerCheckpoint } from '../ledger/ledger.port';

export interface TableComparison {
  readonly table: string;
  /** Rows in the live read model that the replay did not produce. */
  readonly onlyLive: number;
  /** Rows the replay produced that the live read model lacks (or holds differently). */
  readonly onlyRebuilt: number;
}

export interface RebuildReport {
  readonly schema: string;
  /** Block and transaction of the live checkpoint the replay ran up to. */
  readonly upTo: { blockNumber: string; txId: string } | null;
  readonly eventsReplayed: number;
  readonly tables: readonly TableComparison[];
  readonly equal: boolean;
  readonly kept: boolean;
  /** `swap`: the rebuilt read model replaced the live one (in one transaction). */
  readonly swapped: boolean;
}

export interface RebuildOptions {
  /** `compare` (default) only compares; `swap` catches up with the paused live projection and swaps the tables in. */
  readonly mode?: 'compare' | 'swap';
  readonly keep?: boolean;
  readonly timeoutMs?: number;
}

const BASE_TABLES = ['ledger_state', 'events', 'projection_checkpoint', 'projection_quarantine'];
const SWAPPED = ['ledger_state', 'projection_checkpoint', 'projection_quarantine'];
const REPLAY_BATCH = 1000;
const SWAP_ATTEMPTS = 5;

/**
 * Replays every chaincode event from block 0 into a fresh schema with the projection code and
 * compares the result with the live read model. Rows the live model changed after the replay's
 * end point (block above it) are left out of the comparison.
 */
@Injectable()
export class RebuildService {
  readonly #logger = new Logger('Rebuild');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly projection: ProjectionService,
    private readonly registry: ProjectorRegistry,
  ) {}

  async rebuild(options: RebuildOptions = {}): Promise<RebuildReport> {
    const stamp = `${Date.now().toString()}_${Math.floor(Math.random() * 1e6).toString()}`;
    const schema = `rebuild_${stamp}`;
    const s = quoteSchema(schema);
    const tables = [...BASE_TABLES, ...this.registry.tables()];
    await this.ds.query(`CREATE SCHEMA ${s}`);
    let swapped = false;
    try {
      for (const t of tables) await this.ds.query(`CREATE TABLE ${s}."${t}" (LIKE public."${t}" INCLUDING ALL)`);
      const report = await this.#replayAndCompare(schema, tables, options);
      if (options.mode === 'swap') {
        await this.#swap(schema, `replaced_${stamp}`, options);
        swapped = true;
      }
      this.#logger.log(
        `rebuild into ${schema}: ${report.eventsReplayed.toString()} events, equal=${String(report.equal)}, swapped=${String(swapped)}`,
      );
      return { ...report, swapped };
    } finally {
      if (options.keep !== true || swapped) await this.ds.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    }
  }

  /**
   * With the live projection paused: replays what it applied since the first replay's end, then swaps
   * the tables in one transaction. The replaced tables are dropped after the commit (kept with `keep`).
   */
  async #swap(schema: string, old: string, options: RebuildOptions): Promise<void> {
    const wasRunning = this.projection.started;
    await this.projection.stop();
    try {
      for (let attempt = 1; ; attempt++) {
        await this.#catchUp(schema, options.timeoutMs ?? 300_000);
        const tables = [...SWAPPED, ...this.registry.tables()];
        try {
          await inTransaction(this.ds, (qr) => swapTables(qr, quoteSchema(schema), quoteSchema(old), tables));
          break;
        } catch (e) {
          // Another instance's listener moved the live checkpoint between the catch-up and the locks.
          if (!(e instanceof SwapBehindError) || attempt >= SWAP_ATTEMPTS) throw e;
          this.#logger.warn(`rebuild swap: ${e.message}; catching up again (attempt ${attempt.toString()})`);
        }
      }
    } finally {
      if (wasRunning) this.projection.start();
    }
    if (options.keep !== true) await this.ds.query(`DROP SCHEMA ${quoteSchema(old)} CASCADE`);
  }

  /** Replays into `schema` what the live projection applied after the rebuilt checkpoint. */
  async #catchUp(schema: string, timeoutMs: number): Promise<void> {
    const live = await this.projection.checkpoint();
    const rebuilt = await this.projection.checkpoint(schema);
    if (live && (rebuilt?.blockNumber !== live.blockNumber || rebuilt.txId !== live.txId)) {
      await this.#replay(schema, live.blockNumber, live.txId ?? '', timeoutMs, rebuilt);
    }
  }

  async #replayAndCompare(
    schema: string,
    tables: readonly string[],
    options: RebuildOptions,
  ): Promise<Omit<RebuildReport, 'swapped'>> {
    const target = await this.projection.checkpoint();
    const upTo = target ? { blockNumber: target.blockNumber, txId: target.txId ?? '' } : undefined;
    const replayed = upTo ? await this.#replay(schema, upTo.blockNumber, upTo.txId, options.timeoutMs ?? 300_000) : 0;
    const cmp: TableComparison[] = [];
    for (const t of tables.filter((x) => !['projection_checkpoint', 'events', 'projection_quarantine'].includes(x))) {
      cmp.push(await this.#compare(quoteSchema(schema), t, upTo?.blockNumber));
    }
    return {
      schema,
      upTo: upTo ? { blockNumber: upTo.blockNumber.toString(), txId: upTo.txId } : null,
      eventsReplayed: replayed,
      tables: cmp,
      equal: cmp.every((c) => c.onlyLive === 0 && c.onlyRebuilt === 0),
      kept: options.keep === true,
    };
  }

  /** Replays into `schema` from `from` (block 0 when absent) until the event at `block`/`txId` is applied. */
  async #replay(
    schema: string,
    block: bigint,
    txId: string,
    timeoutMs: number,
    from?: LedgerCheckpoint,
  ): Promise<number> {
    const abort = new AbortController();
    const progress = { count: 0, reached: false };
    const timer = setTimeout(() => {
      abort.abort();
    }, timeoutMs);
    // Same batching as the live projection (many events per transaction).
    const batcher = new EventBatcher(
      async (events) => {
        await this.projection.projector.apply(events, schema);
      },
      REPLAY_BATCH,
      () => {
        abort.abort();
      },
    );
    try {
      await this.ledger.chaincodeEvents(
        from?.blockNumber ?? 0n,
        async (e) => {
          if (progress.reached) return;
          await batcher.push(e);
          progress.count++;
          if (e.blockNumber > block || (e.blockNumber === block && e.txId === txId)) {
            progress.reached = true;
            await batcher.flush();
            abort.abort();
          }
        },
        abort.signal,
        from,
      );
      await batcher.flush();
    } finally {
      clearTimeout(timer);
    }
    if (!progress.reached)
      throw new Error(`rebuild: replay did not reach block ${block.toString()} within ${timeoutMs.toString()} ms`);
    return progress.count;
  }

  async #compare(s: string, table: string, upTo: bigint | undefined): Promise<TableComparison> {
    const limit = (upTo ?? -1n).toString();
    const live = `SELECT * FROM public."${table}" WHERE block_number <= ${limit}`;
    const pk = await this.#pk(table, 'l', 'r');
    const rebuilt = `SELECT * FROM ${s}."${table}" r WHERE NOT EXISTS (SELECT 1 FROM public."${table}" l WHERE ${pk} AND l.block_number > ${limit})`;
    const count = async (sql: string): Promise<number> => {
      const rows = await this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${sql}) x`);
      return rows[0]?.n ?? 0;
    };
    return {
      table,
      onlyLive: await count(`${live} EXCEPT ${rebuilt}`),
      onlyRebuilt: await count(`${rebuilt} EXCEPT ${live}`),
    };
  }

  /** Equality of the table's primary key between aliases `a` and `b` (typed tables key by what they hold: id, did, …). */
  async #pk(table: string, a: string, b: string): Promise<string> {
    const cols = await this.ds.query<{ name: string }[]>(
      `SELECT att.attname AS name FROM pg_index i
         JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = ANY (i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY att.attnum`,
      [`public."${table}"`],
    );
    if (cols.length === 0) throw new Error(`rebuild: table ${table} has no primary key to compare rows by`);
    return cols.map((c) => `${a}."${c.name}" = ${b}."${c.name}"`).join(' AND ');
  }
}
