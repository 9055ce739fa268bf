import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors';
import { auditErrorOf, auditResultOf, consortiumErrorBody } from './admin-errors';
import { type AuditScope, AuditService } from './audit.service';
import type { ConsortiumAdminPort } from './consortium-admin.port';
import { OperationEntity } from './operation.entity';

export interface LongOperation<T> {
  /** Checks run in the request itself (a refusal is answered at once, not as a failed operation). */
  readonly precheck?: (admin: ConsortiumAdminPort) => Promise<void>;
  /** Runs after the operation row exists, before the request is answered (e.g. mark a proposal busy). */
  readonly claim?: () => Promise<void>;
  readonly run: (admin: ConsortiumAdminPort) => Promise<T>;
  readonly outcome?: (value: T) => Record<string, unknown>;
  /** Bookkeeping after the Fabric side ended, success or not (`value` undefined on failure). */
  readonly settle?: (value: T | undefined) => Promise<void>;
}

export interface OperationAccepted {
  readonly operationId: string;
  readonly status: 'running';
  readonly statusUrl: string;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Advisory lock class of a running operation: the instance that runs operation `id` holds the session lock
 * (OPERATION_LOCK, hashtext(id)) on a connection of its own from before the row exists until the row is final. The
 * lock ends with that session — the process exited, crashed or lost its database — so "nobody holds it" is exactly
 * "nobody runs it any more", whichever instance asks.
 */
const OPERATION_LOCK = 7310;

const INTERRUPTED = { code: 'INTERRUPTED', message: 'the middleware stopped while this operation ran' };

/** A session advisory lock held on a connection of its own; `release` unlocks and gives the connection back. */
interface HeldLock {
  release(): Promise<void>;
}

/**
 * Long admin operations as in-process jobs whose progress lines and result are kept in
 * Postgres. The request that starts one is answered 202; its audit row is written when the
 * job ends. An operation left `running` by an instance that is gone (see OPERATION_LOCK) is marked failed when
 * any instance starts, and when a new operation finds it in the way; one that another live instance runs is
 * left alone (several middleware instances of a mall share the table).
 */
@Injectable()
export class OperationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('ConsortiumOperations');
  readonly #inFlight = new Set<Promise<void>>();
  readonly #afterRecovery: (() => Promise<void>)[] = [];
  #starting: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectRepository(OperationEntity) private readonly rows: Repository<OperationEntity>,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverInterrupted();
  }

  /** Runs after every recovery pass (a proposal left `submitting` by an interrupted submit reopens). */
  afterRecovery(hook: () => Promise<void>): void {
    this.#afterRecovery.push(hook);
  }

  /** Operations left `running` by an instance that is gone become failed (INTERRUPTED); returns how many. */
  async recoverInterrupted(): Promise<number> {
    let recovered = 0;
    for (const row of await this.rows.findBy({ status: 'running' })) {
      const lock = await this.#tryHold(row.id);
      if (!lock) continue; // another instance runs it
      try {
        const r = await this.rows.update(
          { id: row.id, status: 'running' },
          { status: 'failed', finishedAt: new Date(), error: INTERRUPTED },
        );
        recovered += r.affected ?? 0;
      } finally {
        await lock.release();
      }
    }
    for (const hook of this.#afterRecovery) await hook();
    return recovered;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Starts are taken one at a time in this instance: a start holds a connection for its lock while it inserts (and
   * may recover a leftover row with more), so concurrent starts could otherwise take the whole pool. A start made
   * as soon as the previous operation's row is final is not refused (its job may still be releasing its lock).
   */
  start<T>(scope: AuditScope, op: LongOperation<T>): Promise<OperationAccepted> {
    const turn = this.#starting.then(() => this.#start(scope, op));
    this.#starting = turn.catch(() => undefined);
    return turn;
  }

  async #start<T>(scope: AuditScope, op: LongOperation<T>): Promise<OperationAccepted> {
    const id = randomUUID();
    let lock: HeldLock | undefined;
    try {
      if (op.precheck) await op.precheck(this.audit.admin(scope));
      // Held before the row exists, so no instance ever sees this operation running and unheld.
      lock = await this.#tryHold(id);
      if (!lock) throw new Error(`operation lock of ${id} is taken`);
      await this.#insert(id, scope);
      await op.claim?.();
    } catch (e) {
      await this.#abandon(id, lock);
      await this.audit.fail(scope, e);
      throw e;
    }
    const held = lock;
    const job = this.#execute(id, scope, op)
      .catch((e: unknown) => {
        this.#logger.error(e);
      })
      .finally(() => held.release());
    this.#inFlight.add(job);
    void job.finally(() => this.#inFlight.delete(job));
    return { operationId: id, status: 'running', statusUrl: `/v1/admin/consortium/operations/${id}` };
  }

  /** A start that failed: its row (if any) goes, then its lock; a row left by a failed delete is recoverable. */
  async #abandon(id: string, lock: HeldLock | undefined): Promise<void> {
    try {
      await this.rows.delete({ id, status: 'running' });
    } catch (e) {
      this.#logger.error(`operation ${id}: its row could not be removed after a failed start (${String(e)})`);
    } finally {
      await lock?.release();
    }
  }

  async get(id: string): Promise<OperationEntity> {
    const row = await this.rows.findOneBy({ id });
    if (!row) throw new NotFoundError('operation', id);
    return row;
  }

  /** The operation's session lock on a connection of its own, or `undefined` when another session holds it. */
  async #tryHold(id: string): Promise<HeldLock | undefined> {
    const qr = this.rows.manager.connection.createQueryRunner();
    await qr.connect();
    try {
      const [row] = (await qr.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS got', [OPERATION_LOCK, id])) as {
        got: boolean;
      }[];
      if (row?.got !== true) {
        await qr.release();
        return undefined;
      }
    } catch (e) {
      await qr.release();
      throw e;
    }
    return {
      // Never throws: when the session is gone, so is its lock (the connection is dropped, not reused).
      release: async () => {
        try {
          await qr.query('SELECT pg_advisory_unlock($1, hashtext($2))', [OPERATION_LOCK, id]);
        } catch (e) {
          this.#logger.warn(`operation ${id}: its lock session ended before the operation did (${String(e)})`);
        }
        await qr.release().catch(() => undefined);
      },
    };
  }

  async #insert(id: string, scope: AuditScope, retry = true): Promise<void> {
    try {
      await this.rows.insert({
        id,
        kind: scope.operation,
        status: 'running',
        actor: scope.actor.label,
        target: scope.target,
        progress: [],
        startedAt: scope.startedAt,
      });
    } catch (e) {
      if ((e as { driverError?: { code?: string } }).driverError?.code !== UNIQUE_VIOLATION) throw e;
      // The one running operation may be a leftover of an instance that is gone: recover it (or let a concurrent
      // recovery by another instance end) and try once more.
      if (retry) {
        await this.recoverInterrupted();
        return this.#insert(id, scope, false);
      }
      throw await this.#busy();
    }
  }

  async #busy(): Promise<ConflictError> {
    const running = await this.rows.findOneBy({ status: 'running' });
    return new ConflictError(
      `another consortium operation is running (${running?.kind ?? 'unknown'} ${running?.id ?? ''}); wait until it ends`,
    );
  }

  async #execute<T>(id: string, scope: AuditScope, op: LongOperation<T>): Promise<void> {
    // Progress lines are appended in the order they were reported, one UPDATE after the other.
    let lines = Promise.resolve();
    const progress = (line: string): void => {
      const entry = JSON.stringify([{ at: new Date().toISOString(), line }]);
      lines = lines.then(async () => {
        await this.rows.query(`UPDATE consortium_operations SET progress = progress || $2::jsonb WHERE id = $1`, [
          id,
          entry,
        ]);
      });
    };
    let value: T | undefined;
    let error: unknown;
    try {
      value = await op.run(this.audit.admin(scope, progress));
    } catch (e) {
      error = e;
    }
    await lines;
    await op.settle?.(error === undefined ? value : undefined);
    await this.#finish(id, scope, op, value, error);
  }

  async #finish<T>(
    id: string,
    scope: AuditScope,
    op: LongOperation<T>,
    value: T | undefined,
    error: unknown,
  ): Promise<void> {
    if (error !== undefined) {
      const body = consortiumErrorBody(error);
      await this.rows.update({ id }, { status: 'failed', finishedAt: new Date(), error: auditErrorOf(body) });
      await this.audit.finish(scope, auditResultOf(body), { error: { ...auditErrorOf(body), operationId: id } });
      return;
    }
    const outcome = { ...(value === undefined ? {} : op.outcome?.(value)), operationId: id };
    await this.rows.update({ id }, { status: 'succeeded', finishedAt: new Date(), result: value as object });
    await this.audit.finish(scope, 'ok', { outcome });
  }
}
