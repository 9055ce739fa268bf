import type { QueryRunner } from 'typeorm';

/** One change as the chaincode's `mallchain.changes` event carries it. */
export interface LedgerChange {
  readonly entity: string;
  readonly id: string;
  readonly op: 'put' | 'delete';
  readonly data?: unknown;
}

export interface ChangesPayload {
  readonly txId: string;
  readonly fn: string;
  readonly changes: readonly LedgerChange[];
}

export interface ChangeMeta {
  readonly txId: string;
  readonly blockNumber: bigint;
  /** Quoted schema name: `"public"` for the live read model, a `rebuild_*` schema during rebuild. */
  readonly schema: string;
}

/** A change with the transaction that made it. */
export interface MetaChange {
  readonly change: LedgerChange;
  readonly meta: ChangeMeta;
}

/**
 * Projects one entity type into a typed read table, next to the generic `ledger_state`.
 * Runs inside the projection's transaction.
 */
export interface EntityProjector {
  readonly entity: string;
  /** Tables (in `public`) the projector writes, copied empty into a rebuild schema and compared afterwards. */
  readonly tables: readonly string[];
  put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void>;
  remove(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void>;
  /**
   * Optional bulk form: every change of this entity in a batch of events, in ledger order, to write with a
   * few multi-row statements. Must leave the same rows as `put` / `remove` called for each change in order.
   */
  applyMany?(qr: QueryRunner, changes: readonly MetaChange[], schema: string): Promise<void>;
}

export const CHANGES_EVENT = 'mallchain.changes';
export const LIVE_PROJECTION = 'live';
