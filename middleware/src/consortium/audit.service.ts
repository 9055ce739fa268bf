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

/** Writes exactly one audit row per consortium request, and remembers which errors already have theirs. */
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
