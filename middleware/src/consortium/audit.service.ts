import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '@mallchain/fabric-network';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity';
import type { Principal } from '../auth/scopes';
import { auditErrorOf, auditResultOf, consortiumErrorBody } from './admin-errors';
import { AuditLogEntity, type AuditResult } from './audit-log.entity';
import {
  type AdminSession,
  CONSORTIUM_ADMIN_FACTORY,
  type ConsortiumAdminFactory,
  type ConsortiumAdminPort,
} from './consortium-admin.port';

/** Who acts, resolved from the API key. */
export interface Actor {
  readonly label: string;
  readonly keyId: string | null;
  readonly keyName: string | null;
  readonly mspId: string | null;
}

export const ANONYMOUS: Actor = { label: 'anonymous', keyId: null, keyName: null, mspId: null };

/** One audited request in progress: its start, what it acts on, and the library's records so far. */
export class AuditScope {
  readonly startedAt = new Date();
  readonly steps: AuditRecord[] = [];

  constructor(
    readonly actor: Actor,
    readonly operation: string,
    readonly target: Record<string, unknown>,
  ) {}
}

export interface AuditPage {
  readonly items: AuditLogEntity[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface AuditFilter {
  readonly limit: number;
  readonly offset: number;
  readonly operation?: string;
  readonly result?: AuditResult;
}

/** Aggregated refusals: one row per (actor, address, operation, reason) per window. */
const REFUSAL_WINDOW_MS = 60_000;

const AGGREGATE = `INSERT INTO consortium_audit_log (id, actor, actor_key_id, actor_key_name, actor_msp_id, operation, target,
    started_at, finished_at, result, error, outcome, steps, count, client_address, aggregate_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, NULL, '[]', 1, $11, $12)
  ON CONFLICT (aggregate_key) DO UPDATE
    SET count = consortium_audit_log.count + 1, finished_at = EXCLUDED.finished_at`;

/**
 * Writes one audit row per consortium request that reached the service, aggregates the ones
 * refused before it (see {@link AuditService.refusedEarly}), and remembers which errors already
 * have their row.
 */
@Injectable()
export class AuditService {
  readonly #audited = new WeakSet();

  constructor(
    @InjectRepository(AuditLogEntity) private readonly rows: Repository<AuditLogEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(CONSORTIUM_ADMIN_FACTORY) private readonly factory: ConsortiumAdminFactory,
  ) {}

  async actorOf(principal: Principal | undefined): Promise<Actor> {
    if (principal === undefined) return ANONYMOUS;
    const key = await this.keys.findOneBy({ id: principal.keyId });
    const name = key?.name ?? principal.keyId;
    return {
      label: `api-key:${name}@${principal.mallMspId}`,
      keyId: principal.keyId,
      keyName: name,
      mspId: principal.mallMspId,
    };
  }

  /** A ConsortiumAdmin acting for `scope.actor` whose records land in `scope.steps`. */
  admin(scope: AuditScope, progress: AdminSession['progress'] = () => undefined): ConsortiumAdminPort {
    return this.factory.create({ actor: scope.actor.label, audit: (r) => scope.steps.push(r), progress });
  }

  /** Runs `fn` and writes its one audit row, ok or not; a thrown error is marked as audited. */
  async run<T>(
    scope: AuditScope,
    fn: (admin: ConsortiumAdminPort) => Promise<T>,
    outcome?: (value: T) => Record<string, unknown>,
  ): Promise<T> {
    let value: T;
    try {
      value = await fn(this.admin(scope));
    } catch (e) {
      await this.fail(scope, e);
      throw e;
    }
    await this.finish(scope, 'ok', { outcome: outcome?.(value) ?? null });
    return value;
  }

  /** Audits `e` as the end of `scope` (refused or failed, as its HTTP status says). */
  async fail(scope: AuditScope, e: unknown): Promise<void> {
    const body = consortiumErrorBody(e);
    await this.finish(scope, auditResultOf(body), { error: auditErrorOf(body) });
    if (typeof e === 'object' && e !== null) this.#audited.add(e);
  }

  isAudited(e: unknown): boolean {
    return typeof e === 'object' && e !== null && this.#audited.has(e);
  }

  async finish(
    scope: AuditScope,
    result: AuditResult,
    extra: { error?: Record<string, unknown>; outcome?: Record<string, unknown> | null },
  ): Promise<void> {
    await this.rows.insert({
      id: randomUUID(),
      actor: scope.actor.label,
      actorKeyId: scope.actor.keyId,
      actorKeyName: scope.actor.keyName,
      actorMspId: scope.actor.mspId,
      operation: scope.operation,
      target: scope.target,
      startedAt: scope.startedAt,
      finishedAt: new Date(),
      result,
      error: extra.error ?? null,
      outcome: extra.outcome ?? null,
      steps: scope.steps,
    });
  }

  /**
   * A request refused before the service ran (auth, scope, validation, rate limit): counted in the
   * row of its (actor, address, operation, reason) for the current minute, so a flood writes a
   * bounded number of rows. The row keeps the first request's target.
   */
  async refusedEarly(scope: AuditScope, address: string, e: unknown): Promise<void> {
    const body = consortiumErrorBody(e);
    const error = auditErrorOf(body);
    const window = Math.floor(scope.startedAt.getTime() / REFUSAL_WINDOW_MS);
    // The reason is the code and the message (a missing scope and a foreign key are both FORBIDDEN).
    const reason = `${body.error}: ${body.message}`.slice(0, 300);
    const key = [window, scope.actor.label, address, scope.operation, reason].join('|');
    await this.rows.query(AGGREGATE, [
      randomUUID(),
      scope.actor.label,
      scope.actor.keyId,
      scope.actor.keyName,
      scope.actor.mspId,
      scope.operation,
      scope.target,
      scope.startedAt,
      auditResultOf(body),
      error,
      address,
      key,
    ]);
    if (typeof e === 'object' && e !== null) this.#audited.add(e);
  }

  async list(filter: AuditFilter): Promise<AuditPage> {
    const where = {
      ...(filter.operation === undefined ? {} : { operation: filter.operation }),
      ...(filter.result === undefined ? {} : { result: filter.result }),
    };
    const [items, total] = await this.rows.findAndCount({
      where,
      order: { startedAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total, limit: filter.limit, offset: filter.offset };
  }
}
