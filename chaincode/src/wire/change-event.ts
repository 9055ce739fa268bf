/**
 * The `mallchain.changes` event every state-changing transaction emits, and its compact form.
 *
 * Version 1 (no `v` member) lists every write as `{entity, id, op, data}`. Version 2 (`v: 2`) may replace the
 * four writes of each accrued item (lot, expiry-index entry, accrual record, history line) by one
 * {@link CompactAccruals} entry per run of accruals: the fields the items do not share once per item, the
 * shared ones (program, transaction time, return-window end, expiry) once per run. {@link expandChanges} turns
 * either version into the version-1 list, change for change and in the same order, so a reader (the
 * middleware's projection, the e2e ledger checks) sees the same changes whichever chaincode wrote the event.
 * The chaincode's unit tests hold the expansion equal to the state each transaction writes.
 *
 * Nothing here imports chaincode code: `@mallchain/wire` compiles this file for the middleware.
 */

/** One state change as version 1 carries it (composite keys as their readable parts joined by `/`). */
export interface ExpandedChange {
  readonly entity: string;
  readonly id: string;
  readonly op: 'put' | 'delete';
  readonly data?: unknown;
}

/**
 * One accrued item: `[index, member, amount, sourceRef]`, then `merchant` (or `null`) when the receipt named a
 * merchant or carried an attestation, then `deviceDid, seq` of the attestation. `index` is the item's place in
 * the request: the lot is `<txId>.<index>`, the history line's key counts down from it.
 */
export type CompactAccrualItem =
  | readonly [number, string, number, string]
  | readonly [number, string, number, string, string | null]
  | readonly [number, string, number, string, string | null, string, number];

/** A run of accruals of one program in one transaction (all share the transaction time). */
export interface CompactAccruals {
  readonly k: 'accrue';
  /** Program ID. */
  readonly p: string;
  /** Transaction time (ISO 8601): earnedAt of lots and records, `at` of history lines. */
  readonly at: string;
  /** availableAt of the lots (end of the return window). */
  readonly av: string;
  /** expiresAt of the lots. */
  readonly ex: string;
  readonly i: readonly CompactAccrualItem[];
}

export type EventChange = ExpandedChange | CompactAccruals;

/** The version this chaincode writes. */
export const CHANGES_EVENT_VERSION = 2;

/** Composite-key object types the compact form stands for (chaincode/src/points/model.ts `K`, held equal by a test). */
export const ACCRUAL_KEY_TYPES = { lot: 'plot', expiryIndex: 'pexpidx', accrual: 'pacc', history: 'phist' } as const;

/** A payload (or one of its entries) that is not a readable `mallchain.changes` event; the message names what. */
export class ChangeEventError extends Error {
  override name = 'ChangeEventError';
}

/** Milliseconds until 2286: a history key's time part counts down from here so that newest lines sort first. */
const TIME_CEILING = 9_999_999_999_999;

/** The descending time part of a history key (chaincode/src/points/history.ts). */
export function newestFirst(atIso: string): string {
  return String(TIME_CEILING - Date.parse(atIso)).padStart(13, '0');
}

/** The `seq` part of a history key: lines of one transaction count down from 9999. */
export function historySeq(index: number): string {
  return String(9999 - index).padStart(4, '0');
}

/**
 * The changes of a parsed payload as version 1 lists them. `payload.v` absent or 1: `changes` as they are;
 * 2: compact entries expanded in place. Another version, or a compact entry that is not well formed, is a
 * {@link ChangeEventError}; full entries are returned as they are (the reader checks them).
 */
export function expandChanges(payload: { v?: unknown; txId?: unknown; changes?: unknown }): unknown[] {
  const { v, changes } = payload;
  if (!Array.isArray(changes)) throw new ChangeEventError('changes: must be an array');
  if (v === undefined || v === 1) return changes as unknown[];
  if (v !== CHANGES_EVENT_VERSION) throw new ChangeEventError(`v: version ${JSON.stringify(v)} is not known (1 or 2)`);
  if (typeof payload.txId !== 'string' || payload.txId === '') throw new ChangeEventError('txId: must be a string');
  const txId = payload.txId;
  const out: unknown[] = [];
  (changes as unknown[]).forEach((c, n) => {
    if (isCompact(c)) out.push(...expandAccruals(c, txId, `changes[${n.toString()}]`));
    else out.push(c);
  });
  return out;
}

function isCompact(c: unknown): boolean {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && (c as { k?: unknown }).k !== undefined;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isoOf(v: unknown, at: string): string {
  if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v))) {
    throw new ChangeEventError(`${at}: must be an ISO 8601 UTC time`);
  }
  return v;
}

function textOf(v: unknown, at: string): string {
  if (typeof v !== 'string' || v === '' || v.length > 512) {
    throw new ChangeEventError(`${at}: must be a non-empty string of at most 512 characters`);
  }
  return v;
}

function countOf(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ChangeEventError(`${at}: must be an integer from ${min.toString()} to ${max.toString()}`);
  }
  return v;
}

/** The four version-1 changes of every item of a compact run, item by item. */
export function expandAccruals(c: unknown, txId: string, at = 'accrue'): ExpandedChange[] {
  const r = c as Record<string, unknown>;
  if (r.k !== 'accrue') throw new ChangeEventError(`${at}.k: ${JSON.stringify(r.k)} is not a known compact entry`);
  const programId = textOf(r.p, `${at}.p`);
  const time = isoOf(r.at, `${at}.at`);
  const availableAt = isoOf(r.av, `${at}.av`);
  const expiresAt = isoOf(r.ex, `${at}.ex`);
  if (!Array.isArray(r.i) || r.i.length === 0) throw new ChangeEventError(`${at}.i: must be a non-empty array`);
  const T = ACCRUAL_KEY_TYPES;
  const out: ExpandedChange[] = [];
  (r.i as unknown[]).forEach((item, n) => {
    const ai = `${at}.i[${n.toString()}]`;
    if (!Array.isArray(item) || ![4, 5, 7].includes(item.length)) {
      throw new ChangeEventError(`${ai}: must be an array of 4, 5 or 7 values`);
    }
    const [rawIndex, rawMember, rawAmount, rawRef, rawMerchant, rawDevice, rawSeq] = item as unknown[];
    const index = countOf(rawIndex, `${ai}[0]`, 0, 9999);
    const member = textOf(rawMember, `${ai}[1]`);
    const amount = countOf(rawAmount, `${ai}[2]`, 1, Number.MAX_SAFE_INTEGER);
    const sourceRef = textOf(rawRef, `${ai}[3]`);
    const merchant = rawMerchant === undefined || rawMerchant === null ? undefined : textOf(rawMerchant, `${ai}[4]`);
    const attestation =
      item.length === 7
        ? { deviceDid: textOf(rawDevice, `${ai}[5]`), seq: countOf(rawSeq, `${ai}[6]`, 1, Number.MAX_SAFE_INTEGER) }
        : undefined;
    const lotId = `${txId}.${index.toString()}`;
    const lot = {
      amount,
      availableAt,
      earnedAt: time,
      expired: 0,
      expiresAt,
      lotId,
      member,
      movedOut: 0,
      origin: 'accrual',
      programId,
      redeemed: 0,
      remaining: amount,
      reversed: 0,
      sourceRef,
    };
    const record = {
      amount,
      ...(attestation === undefined ? {} : { attestation }),
      earnedAt: time,
      lotId,
      member,
      ...(merchant === undefined ? {} : { merchant }),
      programId,
      reversed: 0,
      sourceRef,
      txId,
    };
    const line = { at: time, member, points: amount, programId, ref: sourceRef, txId, type: 'accrue' };
    out.push(
      { entity: 'lot', id: [T.lot, member, programId, lotId].join('/'), op: 'put', data: lot },
      {
        entity: 'lotExpiry',
        id: [T.expiryIndex, programId, expiresAt, member, lotId].join('/'),
        op: 'put',
        data: { lotId, member },
      },
      { entity: 'accrual', id: [T.accrual, programId, sourceRef].join('/'), op: 'put', data: record },
      {
        entity: 'history',
        id: [T.history, member, newestFirst(time), txId, historySeq(index)].join('/'),
        op: 'put',
        data: line,
      },
    );
  });
  return out;
}
