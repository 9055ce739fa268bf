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
 * Long admin operations as in-process jobs whose progress lines and result are kept in
 * Postgres. The request that starts one is answered 202; its audit row is written when the
 * job ends. After a restart, jobs left running are marked failed (the process that ran them is gone).
 */
@Injectable()
export class OperationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('ConsortiumOperations');
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    @InjectRepository(OperationEntity) private readonly rows: Repository<OperationEntity>,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rows.update(
      { status: 'running' },
      {
        status: 'failed',
        finishedAt: new Date(),
        error: { code: 'INTERRUPTED', message: 'the middleware stopped while this operation ran' },
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async start<T>(scope: AuditScope, op: LongOperation<T>): Promise<OperationAccepted> {
    const id = randomUUID();
    try {
      if (op.precheck) await op.precheck(this.audit.admin(scope));
      await this.#insert(id, scope);
      await op.claim?.();
    } catch (e) {
      await this.rows.delete({ id, status: 'running' });
      await this.audit.fail(scope, e);
      throw e;
    }
    const job = this.#execute(id, scope, op).catch((e: unknown) => {
      this.#logger.error(e);
    });
    this.#inFlight.add(job);
    void job.finally(() => this.#inFlight.delete(job));
    return { operationId: id, status: 'running', statusUrl: `/v1/admin/consortium/operations/${id}` };
  }

  async get(id: string): Promise<OperationEntity> {
    const row = await this.rows.findOneBy({ id });
    if (!row) throw new NotFoundError('operation', id);
    return row;
  }

  async #insert(id: string, scope: AuditScope): Promise<void> {
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
      const running = await this.rows.findOneBy({ status: 'running' });
      throw new ConflictError(
        `another consortium operation is running (${running?.kind ?? 'unknown'} ${running?.id ?? ''}); wait until it ends`,
      );
    }
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
