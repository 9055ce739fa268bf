import { inputError } from './errors';

/**
 * Canonical JSON (RFC 8785 / JCS for the values the ledger holds): object keys sorted by
 * UTF-16 code units, no whitespace, `undefined` members dropped. The same value always
 * serialises to the same bytes on every peer, which is what endorsement needs, and it is
 * the byte string that members and devices sign.
 */
export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return canonicalString(value);
    case 'number':
      if (!Number.isFinite(value)) throw inputError('value', 'numbers must be finite');
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw inputError('value', `cannot serialise a ${typeof value}`);
  }
}

function canonicalArray(values: unknown[]): string {
  return `[${values.map((v) => (v === undefined ? 'null' : canonicalize(v))).join(',')}]`;
}

function canonicalObject(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${canonicalString(k)}:${canonicalize(obj[k])}`).join(',')}}`;
}

/** A lone surrogate (a UTF-16 half with no partner): not Unicode, so not I-JSON (RFC 8785 §3.2.2.2). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JSON string; lone surrogates are refused, not escaped (their bytes would differ from any UTF-8 signer's). */
function canonicalString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw inputError('value', 'strings must be well-formed Unicode (no lone surrogates)');
  return JSON.stringify(value);
}

/** Canonical bytes of a value, ready for `putState` or for signature checks. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalize(value), 'utf8');
}

/** Parses a JSON argument; a parse failure names the argument. */
export function parseJsonArg(arg: string, name: string): unknown {
  try {
    return JSON.parse(arg) as unknown;
  } catch {
    throw inputError(name, 'is not valid JSON');
  }
}
