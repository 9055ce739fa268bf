import { parseJsonArg } from './canonical';
import { inputError } from './errors';

/** A plain object taken from a parsed request: field checks read from it. */
export type Fields = Record<string, unknown>;

/** A JSON object (not an array or null), or INPUT_INVALID naming `name`. */
export function asObject(value: unknown, name: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError(name, 'must be a JSON object');
  }
  return value as Fields;
}

/** The one JSON-object argument every mallchain transaction takes, named `request` in errors. */
export function parseRequest(arg: string): Fields {
  return asObject(parseJsonArg(arg, 'request'), 'request');
}

/** Refuses members outside `allowed`: closed shapes keep signed and stored bytes identical. */
export function onlyMembers(f: Fields, allowed: ReadonlySet<string>, name: string): void {
  for (const k of Object.keys(f)) {
    if (!allowed.has(k)) throw inputError(name, `unsupported member "${k}"`);
  }
}

/** An array with a bounded number of items, or INPUT_INVALID naming `name`. */
export function asArray(value: unknown, name: string, opts: { min?: number; max: number }): unknown[] {
  if (!Array.isArray(value)) throw inputError(name, 'must be an array');
  const min = opts.min ?? 0;
  if (value.length < min) throw inputError(name, `must have at least ${min} item(s)`);
  if (value.length > opts.max) throw inputError(name, `must have at most ${opts.max} items`);
  return value;
}

export interface StringRule {
  max?: number;
  min?: number;
  pattern?: RegExp;
  patternHint?: string;
}

/** A required string member checked against `rule` (default: 1 to 256 characters). */
export function str(fields: Fields, name: string, rule: StringRule = {}): string {
  const value = fields[name];
  if (typeof value !== 'string') throw inputError(name, 'must be a string');
  checkString(value, name, rule);
  return value;
}

/** Like {@link str}, but an absent member gives `undefined`. */
export function optStr(fields: Fields, name: string, rule: StringRule = {}): string | undefined {
  return fields[name] === undefined ? undefined : str(fields, name, rule);
}

function checkString(value: string, name: string, rule: StringRule): void {
  const min = rule.min ?? 1;
  const max = rule.max ?? 256;
  if (value.length < min)
    throw inputError(name, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
  if (value.length > max) throw inputError(name, `must have at most ${max} characters`);
  if (rule.pattern && !rule.pattern.test(value)) {
    throw inputError(name, rule.patternHint ?? `must match ${rule.pattern.source}`);
  }
}

export interface IntRule {
  min?: number;
  max?: number;
}

/** A safe integer within bounds (default 0 .. 2^53-1). */
export function int(fields: Fields, name: string, rule: IntRule = {}): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw inputError(name, 'must be an integer');
  const min = rule.min ?? 0;
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  if (value < min) throw inputError(name, `must be at least ${min}`);
  if (value > max) throw inputError(name, `must be at most ${max}`);
  return value;
}

/** Like {@link int}, but an absent member gives `undefined`. */
export function optInt(fields: Fields, name: string, rule: IntRule = {}): number | undefined {
  return fields[name] === undefined ? undefined : int(fields, name, rule);
}

/** A string member that must be one of `allowed`. */
export function oneOf<T extends string>(fields: Fields, name: string, allowed: readonly T[]): T {
  const value = fields[name];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw inputError(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A boolean member (no truthy strings or numbers). */
export function bool(fields: Fields, name: string): boolean {
  const value = fields[name];
  if (typeof value !== 'boolean') throw inputError(name, 'must be true or false');
  return value;
}

/**
 * An ISO-8601 UTC instant (`2026-01-31T12:00:00Z`, milliseconds optional), returned as epoch ms.
 * The written calendar time must exist: `Date.parse` rolls `02-30` and `24:00` over into the
 * next day, and callers that keep the string (the device period index is keyed by its day)
 * would then disagree with the parsed time.
 */
export function instant(fields: Fields, name: string): number {
  const value = str(fields, name, {
    max: 40,
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/,
    patternHint: 'must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z',
  });
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19)) {
    throw inputError(name, 'is not a valid date');
  }
  return ms;
}

/** A SHA-256 digest or Merkle root as 64 lowercase hex digits. */
export const HEX64_RULE: StringRule = {
  min: 64,
  max: 64,
  pattern: /^[0-9a-f]{64}$/,
  patternHint: 'must be 64 lowercase hex digits',
};

/** Identifier-like keys: no control characters, no composite-key separator. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@\-/]*$/;
export const ID_RULE: StringRule = {
  max: 128,
  pattern: ID_PATTERN,
  patternHint: 'may contain only letters, digits and . _ : @ - /',
};
