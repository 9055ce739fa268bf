import type { QueryRunner } from 'typeorm';
import type { LedgerPort } from '../ledger/ledger.port';

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
  /** How the read model of this entity is checked against the world state on the peer (`verify`). */
  readonly verifier?: EntityVerifier;
}

/** Reads an entity on the peer and from the typed table, both in the ledger's shape, for `verify`. */
export interface EntityVerifier {
  /** The value under ledger key `id` (a `ledger_state` id) evaluated on the peer; `undefined` when there is none. */
  fromLedger(ledger: LedgerPort, id: string): Promise<unknown>;
  /** The typed table's rows of these keys in the ledger's shape; a key without a row is absent from the map. */
  fromTable(qr: QueryRunner, ids: readonly string[]): Promise<Map<string, unknown>>;
  /** Keys of typed rows that `ledger_state` lacks (so that they are checked too). */
  orphans(qr: QueryRunner): Promise<string[]>;
}

export const CHANGES_EVENT = 'mallchain.changes';
export const LIVE_PROJECTION = 'live';
