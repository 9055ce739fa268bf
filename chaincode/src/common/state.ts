import { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import type { WriteBuffer } from './batch';
import { toBytes } from './canonical';
import { limitError } from './errors';
import { CHANGES_EVENT_VERSION, CompactAccruals } from '../wire/change-event';

/** One state change, as carried in the transaction's `mallchain` event. */
export interface Change {
  /** Entity type, e.g. `lot`, `program`, `did`. */
  readonly entity: string;
  /** Ledger key (composite keys as their readable parts joined by `/`). */
  readonly id: string;
  readonly op: 'put' | 'delete';
  readonly data?: unknown;
}

/** Name of the single event each state-changing transaction emits. */
export const CHANGES_EVENT = 'mallchain.changes';

/**
 * Context with a change journal: every write goes through {@link put}/{@link remove} so the
 * transaction's one event lists exactly what it changed. Reads see committed state only
 * (as Fabric's GetState does): a transaction that writes a key and reads it again must keep
 * its own copy.
 */
export class MallContext extends Context {
  /** Full changes, and compact runs of accruals (wire/change-event.ts) that stand for four changes an item. */
  readonly changes: (Change | CompactAccruals)[] = [];
  /** The transaction's held writes (common/batch.ts), set by MallContract.beforeTransaction. */
  writes?: WriteBuffer;
}

/** A composite key of `objectType` and `parts`: partial keys of it range-read everything below them. */
export function key(ctx: Context, objectType: string, ...parts: string[]): string {
  return ctx.stub.createCompositeKey(objectType, parts);
}

/** Readable form of a composite key for events and errors. */
export function readableKey(ctx: Context, compositeKey: string): string {
  const { objectType, attributes } = ctx.stub.splitCompositeKey(compositeKey);
  return [objectType, ...attributes].join('/');
}

/** Reads a JSON value; the caller names its type (state holds only what this chaincode wrote). */
export async function getJson<T>(ctx: Context, stateKey: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(stateKey);
  if (bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Whether committed state holds a value at `stateKey`. */
export async function exists(ctx: Context, stateKey: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(stateKey);
  return bytes.length > 0;
}

/** Writes `value` as canonical JSON and journals the change for the transaction event. */
export async function put(ctx: MallContext, entity: string, stateKey: string, value: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, toBytes(value));
  ctx.changes.push({ entity, id: readableKey(ctx, stateKey), op: 'put', data: value });
}

/**
 * Writes under a plain (non-composite) key, journalled like {@link put}. Plain keys exist for
 * range reads by time (`GetStateByRange`), which the peer re-checks at validation.
 */
export async function putPlain(ctx: MallContext, entity: string, stateKey: string, value: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, toBytes(value));
  ctx.changes.push({ entity, id: stateKey, op: 'put', data: value });
}

/** Deletes a plain (non-composite) key, journalled like {@link putPlain}. */
export async function removePlain(ctx: MallContext, entity: string, stateKey: string): Promise<void> {
  await ctx.stub.deleteState(stateKey);
  ctx.changes.push({ entity, id: stateKey, op: 'delete' });
}

/** Deletes a key and journals the deletion for the transaction event. */
export async function remove(ctx: MallContext, entity: string, stateKey: string): Promise<void> {
  await ctx.stub.deleteState(stateKey);
  ctx.changes.push({ entity, id: readableKey(ctx, stateKey), op: 'delete' });
}

/**
 * Most rows one read of a key range may return. Ranges larger than this fail with
 * LIMIT_EXCEEDED rather than being cut: the peer itself cuts a range query silently at its
 * `totalQueryLimit` (100,000 by default), and a caller that took a cut list as complete would
 * compute wrong balances or statements.
 */
export const MAX_RANGE_ROWS = 10_000;

/**
 * All values under a composite-key prefix, in key order; the caller names their type. More
 * than `max` rows is LIMIT_EXCEEDED naming `what`, never a silent cut.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function listByPrefix<T>(
  ctx: Context,
  objectType: string,
  parts: string[],
  what: string,
  max = MAX_RANGE_ROWS,
): Promise<{ key: string; value: T }[]> {
  return collect<T>(await ctx.stub.getStateByPartialCompositeKey(objectType, parts), max, what, true);
}

/**
 * Values of plain keys in [startKey, endKey), in key order. With `strict`, more than `max`
 * rows is LIMIT_EXCEEDED; without, the first `max` rows are wanted (a "first N" read).
 */
export async function listByRange<T>(
  ctx: Context,
  startKey: string,
  endKey: string,
  max: number,
  what: string,
  strict = true,
): Promise<T[]> {
  return (await collect<T>(await ctx.stub.getStateByRange(startKey, endKey), max, what, strict)).map((r) => r.value);
}

/** The first `max` values under a composite-key prefix (a deliberate "first N" read, e.g. newest history). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function firstByPrefix<T>(
  ctx: Context,
  objectType: string,
  parts: string[],
  max: number,
): Promise<{ key: string; value: T }[]> {
  return collect<T>(await ctx.stub.getStateByPartialCompositeKey(objectType, parts), max, objectType, false);
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
async function collect<T>(
  iterator: Iterators.StateQueryIterator,
  max: number,
  what: string,
  strict: boolean,
): Promise<{ key: string; value: T }[]> {
  const out: { key: string; value: T }[] = [];
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      if (out.length >= max) {
        if (strict) throw limitError(`more than ${max} ${what} to read in one transaction`);
        break;
      }
      out.push({ key: res.value.key, value: JSON.parse(Buffer.from(res.value.value).toString('utf8')) as T });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/**
 * Writes `value` as canonical JSON without journalling it: only for writes that a compact journal entry
 * (wire/change-event.ts) describes.
 */
export async function putUnjournalled(ctx: MallContext, stateKey: string, value: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, toBytes(value));
}

/** Emits the journal as the transaction's single event, version 2 (wire/change-event.ts), from `afterTransaction`. */
export function emitChanges(ctx: MallContext, fn: string): void {
  if (ctx.changes.length === 0) return;
  const payload = { changes: ctx.changes, fn, txId: ctx.stub.getTxID(), v: CHANGES_EVENT_VERSION };
  ctx.stub.setEvent(CHANGES_EVENT, toBytes(payload));
}
