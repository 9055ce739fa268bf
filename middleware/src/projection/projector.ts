import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { lockProjection } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import type { LedgerEvent } from '../ledger/ledger.port';
import { errorText, isTransientDatabaseError, parseChanges } from './payload';
import { type Parsed, ProjectionWrites } from './projection-writes';
import type { ProjectorRegistry } from './projector-registry';
import { CHANGES_EVENT } from './projection.types';
import { quarantineSql } from './quarantine.store';

export { lastChangePerKey } from './projection-writes';
export { parseChanges } from './payload';

export interface ApplyResult {
  /** `false` when every transaction had already been projected (replayed events): nothing changed. */
  readonly applied: boolean;
  /** Changes applied (of new transactions). */
  readonly changes: number;
  /** New transactions applied (re-delivered ones are skipped). */
  readonly events: number;
  /** Events parked in the quarantine by this call. */
  readonly quarantined: number;
}

export interface ProjectorOptions {
  /** Larger payloads are quarantined unparsed. */
  readonly maxEventBytes?: number;
  /** Told after the transaction that parked events committed. */
  readonly onQuarantined?: (events: readonly { event: LedgerEvent; error: string }[]) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
}

/** An event of a batch: parsed, or refused with the reason. */
type Item = { readonly parsed: Parsed } | { readonly event: LedgerEvent; readonly error: string };

interface Outcome {
  applied: Parsed[];
  parked: { event: LedgerEvent; error: string }[];
}

/**
 * Applies ledger events to a read model: `ledger_state`, typed tables, the event log and the
 * checkpoint, all in ONE transaction — a crash leaves either all of it or none. Many events go into
 * one transaction (a few multi-row statements for the whole batch). A transaction already in the
 * event log (or in the quarantine) is skipped, so a re-delivered event is never applied twice.
 *
 * Poison events do not stop the read model: when a batch fails on the data (not on the database
 * going away) or holds an unparsable event, it is rolled back and applied again in a new transaction,
 * runs of events under a savepoint each and, when a run fails, event by event; an event that still
 * fails is parked in `projection_quarantine` with its error — in the same transaction as the good
 * events and the checkpoint, which moves past it.
 */
export class Projector {
  readonly #logger = new Logger('Projector');
  readonly writes: ProjectionWrites;

  constructor(
    private readonly ds: DataSource,
    registry: ProjectorRegistry,
    private readonly options: ProjectorOptions = {},
  ) {
    this.writes = new ProjectionWrites(registry);
  }

  /** One event or a batch, in ledger order; the checkpoint moves to the last one. */
  async apply(
    events: LedgerEvent | readonly LedgerEvent[],
    schema = 'public',
    checkpointName = 'live',
  ): Promise<ApplyResult> {
    const list: readonly LedgerEvent[] = Array.isArray(events) ? events : [events as LedgerEvent];
    const last = list.at(-1);
    if (!last) return { applied: false, changes: 0, events: 0, quarantined: 0 };
    const s = quoteSchema(schema);
    const items = changeEvents(list).map((e) => this.#parse(e));
    const outcome =
      (await this.#fast(s, items, checkpointName, last)) ??
      (await inTransaction(this.ds, async (qr) => {
        await lockProjection(qr);
        const out = await this.#applyItems(qr, s, items);
        await this.writes.checkpoint(qr, s, checkpointName, last);
        return out;
      }));
    if (outcome.parked.length > 0) this.options.onQuarantined?.(outcome.parked);
    return {
      applied: outcome.applied.length > 0,
      changes: outcome.applied.reduce((n, p) => n + p.payload.changes.length, 0),
      events: outcome.applied.length,
      quarantined: outcome.parked.length,
    };
  }

  /**
   * The common case, with no overhead: every event parsed, the whole batch in one transaction without
   * savepoints. `undefined` when the data failed it (rolled back): the caller goes event by event.
   */
  async #fast(s: string, items: readonly Item[], name: string, last: LedgerEvent): Promise<Outcome | undefined> {
    const parsed = items.flatMap((i) => ('parsed' in i ? [i.parsed] : []));
    if (parsed.length < items.length) return undefined;
    try {
      return await inTransaction(this.ds, async (qr) => {
        await lockProjection(qr);
        const applied = await this.writes.apply(qr, s, parsed);
        await this.writes.checkpoint(qr, s, name, last);
        return { applied, parked: [] };
      });
    } catch (e) {
      if (isTransientDatabaseError(e)) throw e;
      return undefined;
    }
  }

  #parse(event: LedgerEvent): Item {
    try {
      return { parsed: { event, payload: parseChanges(event.payload, this.options.maxEventBytes) } };
    } catch (e) {
      return { event, error: errorText(e) };
    }
  }

  /** Runs of parsable events in bulk; a refused one parked at its place, so the log keeps ledger order. */
  async #applyItems(qr: QueryRunner, s: string, items: readonly Item[]): Promise<Outcome> {
    const out: Outcome = { applied: [], parked: [] };
    let run: Parsed[] = [];
    for (const item of items) {
      if ('parsed' in item) {
        run.push(item.parsed);
        continue;
      }
      await this.#applyRun(qr, s, run, out);
      run = [];
      await this.#park(qr, s, item.event, item.error, out);
    }
    await this.#applyRun(qr, s, run, out);
    return out;
  }

  /** The run in one go under a savepoint; when the data fails it, event by event. */
  async #applyRun(qr: QueryRunner, s: string, run: readonly Parsed[], out: Outcome): Promise<void> {
    if (run.length === 0) return;
    const failure = await underSavepoint(qr, async () => {
      out.applied.push(...(await this.writes.apply(qr, s, run)));
    });
    if (failure === undefined) return;
    const [only] = run;
    if (run.length === 1 && only) {
      await this.#park(qr, s, only.event, errorText(failure), out);
      return;
    }
    for (const p of run) await this.#applyRun(qr, s, [p], out);
  }

  async #park(qr: QueryRunner, s: string, event: LedgerEvent, error: string, out: Outcome): Promise<void> {
    // Already in the quarantine (delivered again): left to the admin, never parked twice.
    if ((await quarantineSql.park(qr, s, event, error)) === undefined) return;
    this.#logger.warn(`quarantined block ${event.blockNumber.toString()} tx ${event.txId}: ${error}`);
    out.parked.push({ event, error });
  }
}

/**
 * Runs `work` under a savepoint: released on success (returns `undefined`), rolled back when the work
 * failed on the data (returns the error). A failure of the database itself is rethrown: the whole
 * batch is retried from the checkpoint.
 */
export async function underSavepoint(qr: QueryRunner, work: () => Promise<void>): Promise<unknown> {
  await qr.query('SAVEPOINT projection_event');
  try {
    await work();
  } catch (e) {
    if (isTransientDatabaseError(e)) throw e;
    await qr.query('ROLLBACK TO SAVEPOINT projection_event');
    await qr.query('RELEASE SAVEPOINT projection_event');
    return e;
  }
  await qr.query('RELEASE SAVEPOINT projection_event');
  return undefined;
}

/** The `mallchain.changes` events of a batch; a transaction delivered twice in one batch counts once. */
function changeEvents(events: readonly LedgerEvent[]): LedgerEvent[] {
  const seen = new Set<string>();
  const out: LedgerEvent[] = [];
  for (const event of events) {
    if (event.eventName !== CHANGES_EVENT || seen.has(event.txId)) continue;
    seen.add(event.txId);
    out.push(event);
  }
  return out;
}
