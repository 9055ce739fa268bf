import { ChangeEventError, expandChanges } from '@mallchain/wire';
import type { ChangesPayload, LedgerChange } from './projection.types';

/** An event the projection refuses to apply as it is: parked in quarantine with this message. */
export class PoisonEventError extends Error {
  override name = 'PoisonEventError';
}

const OPS: ReadonlySet<string> = new Set(['put', 'delete']);
const MAX_KEY_CHARS = 1024;

/**
 * Parses and checks a `mallchain.changes` payload: JSON, `fn` a string, `changes` an array of
 * `{entity, id, op: put|delete, data?}` with non-empty string entity and id. A version-2 payload
 * (`v: 2`, chaincode/src/wire/change-event.ts) has its compact accrual entries expanded into the
 * changes they stand for, so the result is the same whichever version the chaincode wrote. Anything
 * else is a {@link PoisonEventError} naming what is wrong (the first offending change by index).
 */
export function parseChanges(payload: Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER): ChangesPayload {
  if (payload.byteLength > maxBytes) {
    throw new PoisonEventError(`payload has ${payload.byteLength.toString()} bytes, more than ${maxBytes.toString()}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (e) {
    throw new PoisonEventError(`payload is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PoisonEventError('payload: must be a JSON object');
  }
  const p = parsed as Record<string, unknown>;
  if (typeof p.fn !== 'string') throw new PoisonEventError('fn: must be a string');
  if (!Array.isArray(p.changes)) throw new PoisonEventError('changes: must be an array');
  const changes = expanded(p);
  changes.forEach(checkChange);
  return { txId: p.txId, fn: p.fn, changes } as ChangesPayload;
}

/** The payload's changes, compact entries expanded; an unreadable version or entry is poison. */
function expanded(p: Record<string, unknown>): unknown[] {
  try {
    return expandChanges(p);
  } catch (e) {
    if (e instanceof ChangeEventError) throw new PoisonEventError(e.message);
    throw e;
  }
}

function checkChange(c: unknown, i: number): asserts c is LedgerChange {
  const at = `changes[${i.toString()}]`;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new PoisonEventError(`${at}: must be an object`);
  const r = c as Record<string, unknown>;
  checkKeyPart(r.entity, `${at}.entity`);
  checkKeyPart(r.id, `${at}.id`);
  if (typeof r.op !== 'string' || !OPS.has(r.op)) throw new PoisonEventError(`${at}.op: must be put or delete`);
  if (r.op === 'put' && r.data === undefined) throw new PoisonEventError(`${at}.data: a put needs data`);
}

function checkKeyPart(v: unknown, at: string): void {
  if (typeof v !== 'string' || v === '' || v.length > MAX_KEY_CHARS || v.includes('\u0000')) {
    throw new PoisonEventError(`${at}: must be a non-empty string of at most ${MAX_KEY_CHARS.toString()} characters`);
  }
}

/** Short text of any error, for the quarantine row and logs. */
export function errorText(e: unknown): string {
  const raw = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  // Postgres text and jsonb refuse NUL: an error quoting the payload must still be storable.
  const text = raw.replaceAll('\u0000', '\\0');
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58', 'XX']);

/**
 * `true` for a failure of the database itself (connection lost, shutdown, deadlock, out of resources):
 * the batch is retried from the checkpoint, never quarantined. A Postgres error about the data
 * (constraint, type, limit) or an error thrown by projection code is about the event: quarantined.
 */
export function isTransientDatabaseError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const driver = (e as { driverError?: unknown }).driverError ?? e;
  const code = (driver as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  // A query failure without a SQLSTATE is the connection going away (pg: "Connection terminated").
  if ((e as { name?: unknown }).name === 'QueryFailedError') return true;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
