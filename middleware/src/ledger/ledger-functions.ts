import { Injectable } from '@nestjs/common';
import type { LedgerDriver } from '../config/app-config';
import type { BatchCodec } from './batch-codec';

/** What the intake must know about a chaincode function it carries. */
export interface LedgerFunctionMeta {
  /**
   * Committing the same call twice has the effect of committing it once (an accrual keyed by its receipt, a put of
   * the same content). Only such functions may go through a driver that cannot re-send the very same transaction
   * (the legacy SDK keeps no envelope, so a lost answer can only be followed by a new transaction).
   */
  readonly idempotent: boolean;
  /** How items of this function share one call of the chaincode's batch form; absent: one call per item. */
  readonly batch?: BatchCodec;
  /**
   * Chaincode codes that refuse an item for good without anything of it reaching the ledger and without any later
   * item of its ordering key depending on it (a device statement signed by a key the ledger no longer accepts): the
   * item ends dead and gives up its place in its ordering key, so the key's later items are not held behind it.
   */
  readonly releasesOn?: readonly string[];
}

/**
 * Registry of the chaincode functions domains submit through the intake, filled by the business-facing ledgers
 * (`NotesLedger`, …) at start-up. A function nobody registered counts as not idempotent.
 */
@Injectable()
export class LedgerFunctions {
  readonly #meta = new Map<string, LedgerFunctionMeta>();

  register(fn: string, meta: LedgerFunctionMeta): void {
    this.#meta.set(fn, meta);
  }

  meta(fn: string): LedgerFunctionMeta | undefined {
    return this.#meta.get(fn);
  }

  /** The batch codec of `fn`, if its domain declared one. */
  codec(fn: string): BatchCodec | undefined {
    return this.#meta.get(fn)?.batch;
  }

  /** Whether a chaincode refusal of `fn` with `code` releases the item's ordering key (see `releasesOn`). */
  releases(fn: string, code: string): boolean {
    return this.#meta.get(fn)?.releasesOn?.includes(code) === true;
  }

  /** Why `driver` must not carry `fn` through the intake, or `undefined` when it may. */
  refusal(fn: string, driver: LedgerDriver): string | undefined {
    if (driver !== 'legacy' || this.#meta.get(fn)?.idempotent === true) return undefined;
    return (
      `${fn} is not declared idempotent: LEDGER_DRIVER=legacy keeps no signed envelope and could commit it twice ` +
      `after a lost answer; use LEDGER_DRIVER=gateway`
    );
  }
}
