/** One chaincode call: the function and its encoded arguments. */
export interface BatchCall {
  readonly fn: string;
  readonly args: readonly string[];
}

/**
 * How queued items of one chaincode function become one call of the chaincode's batch form, and how that call's
 * answer splits back per item. Declared by the business-facing ledger that owns the function (`PointsLedger`,
 * `DeviceLedger`) and registered in `LedgerFunctions`; the batcher only groups, calls and splits.
 *
 * The batch functions are all or nothing: a bad entry rejects the whole transaction. {@link blame} reads the index
 * out of the rejection when the chaincode names one; otherwise the batcher halves the batch until the refused item
 * is alone (then its own rejection is its verdict).
 */
export interface BatchCodec {
  /** The item function this codec merges (`points:Accrue`). */
  readonly fn: string;
  /** Most items in one call: the chaincode's own limit. */
  readonly maxItems: number;
  /** Items with equal keys may share one call (e.g. one program per `AccrueBatch`). */
  groupKey(args: readonly string[]): string;
  /** One call for these items (their intake arguments, in order). */
  encode(items: readonly (readonly string[])[]): BatchCall;
  /** The batch answer as one entry per item, in order; throws when it does not hold exactly `n`. */
  split(result: Uint8Array, n: number): unknown[];
  /** The item a whole-batch rejection names (0-based), when its reason names one within `n`. */
  blame(reason: string, n: number): number | undefined;
}

/** The one JSON object argument of an intake call (every batchable function takes exactly one). */
export function jsonArg(args: readonly string[]): Record<string, unknown> {
  const [first] = args;
  if (args.length !== 1 || first === undefined) throw new Error(`expected one JSON argument, got ${args.length}`);
  const value = JSON.parse(first) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('argument is not an object');
  return value as Record<string, unknown>;
}

/** The array member `name` of a JSON answer, which must hold exactly `n` entries. */
export function answerList(result: Uint8Array, name: string, n: number): unknown[] {
  const parsed = JSON.parse(Buffer.from(result).toString('utf8')) as Record<string, unknown>;
  const list = parsed[name];
  if (!Array.isArray(list) || list.length !== n) {
    throw new Error(`batch answer: ${name} has ${Array.isArray(list) ? list.length : 'no'} entries, expected ${n}`);
  }
  return list as unknown[];
}

/** `<member>[<i>]` at the start of a chaincode reason (after an optional code prefix), when `i < n`. */
export function indexNamed(reason: string, member: string, n: number): number | undefined {
  const m = new RegExp(`^(?:[A-Z_]+: )?${member}\\[(\\d+)\\]`).exec(reason);
  if (!m?.[1]) return undefined;
  const i = Number(m[1]);
  return i < n ? i : undefined;
}
