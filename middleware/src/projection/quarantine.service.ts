import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { AppError, BadInputError, ConflictError, NotFoundError, UnavailableError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { lockEventLog, lockProjection } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import { errorText, isTransientDatabaseError, parseChanges } from './payload';
import { ProjectionService } from './projection.service';
import type { QuarantineStatus } from './quarantine.entity';
import { type QuarantinedEvent, type QuarantineRow, QuarantineStore, quarantineSql } from './quarantine.store';

export interface ReapplyReport {
  readonly id: string;
  readonly status: QuarantineStatus;
  /** Changes written to the read model. */
  readonly appliedChanges: number;
  /** Keys left alone because a later event of the ledger already changed them (an old event never wins). */
  readonly skippedChanges: readonly { entity: string; id: string }[];
}

const LIVE = '"public"';

/**
 * The admin's side of the quarantine: list, re-apply after a fix (of the projector, or of the data
 * limit), discard. A re-apply writes only the changes of keys that no later ledger event changed,
 * and takes the event-log lock first so the live projection cannot write a newer value in between.
 */
@Injectable()
export class QuarantineService {
  readonly #logger = new Logger('Quarantine');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly store: QuarantineStore,
    private readonly projection: ProjectionService,
    private readonly config: AppConfig,
  ) {}

  list(status: QuarantineStatus | undefined, limit = 50, offset = 0): Promise<QuarantinedEvent[]> {
    return this.store.list(status, limit, offset);
  }

  async reapply(id: string): Promise<ReapplyReport> {
    checkId(id);
    try {
      return await inTransaction(this.ds, async (qr) => {
        await lockProjection(qr);
        await lockEventLog(qr);
        return this.#reapply(qr, await this.#parked(qr, id));
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (isTransientDatabaseError(e)) throw new UnavailableError('the database did not take the re-apply', e);
      const reason = errorText(e);
      await this.store.failedAgain(id, reason);
      throw new ConflictError(`quarantined event ${id} still fails: ${reason}`);
    }
  }

  async discard(id: string): Promise<QuarantinedEvent> {
    checkId(id);
    await inTransaction(this.ds, async (qr) => {
      await this.#parked(qr, id);
      await this.store.setStatus(qr, id, 'discarded');
    });
    this.#logger.warn(`quarantined event ${id} discarded`);
    const view = await this.store.get(id);
    if (!view) throw new NotFoundError('quarantined event', id);
    return view;
  }

  async #parked(qr: QueryRunner, id: string): Promise<QuarantineRow> {
    const row = await this.store.lock(qr, id);
    if (!row) throw new NotFoundError('quarantined event', id);
    if (row.status !== 'parked') throw new ConflictError(`quarantined event ${id} is ${row.status}, not parked`);
    return row;
  }

  async #reapply(qr: QueryRunner, row: QuarantineRow): Promise<ReapplyReport> {
    const payload = parseChanges(row.payload, this.config.projectionMaxEventBytes);
    const event = {
      blockNumber: BigInt(row.blockNumber),
      txId: row.txId,
      eventName: row.eventName,
      payload: row.payload,
    };
    const later = await quarantineSql.changedLater(qr, payload.changes, row.blockNumber, row.logSeq);
    const keep = payload.changes.filter((c) => !later.has(`${c.entity}\u0000${c.id}`));
    const skipped = payload.changes.filter((c) => later.has(`${c.entity}\u0000${c.id}`));
    const fresh = await this.projection.projector.writes.apply(
      qr,
      LIVE,
      [{ event, payload: { ...payload, changes: keep } }],
      {
        pos: row.logSeq,
        reapplied: row.id,
      },
    );
    await this.store.setStatus(qr, row.id, 'reapplied');
    this.#logger.log(
      `quarantined event ${row.id} re-applied: ${keep.length.toString()} change(s), ${skipped.length.toString()} skipped`,
    );
    return {
      id: row.id,
      status: 'reapplied',
      // Nothing is written when the event log already holds the transaction (applied by a rebuild swap).
      appliedChanges: fresh.length > 0 ? keep.length : 0,
      skippedChanges: skipped.map((c) => ({ entity: c.entity, id: c.id })),
    };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkId(id: string): void {
  if (!UUID.test(id)) throw new BadInputError(`id: must be a UUID (${id.slice(0, 64)})`);
}
