/**
 * Accrual (one lot per receipt) and reversal (refunds). Both are idempotent on their
 * reference: a receipt or a return pushed twice changes nothing the second time.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { ChaincodeError, inputError, notFound } from '../common/errors';
import { requireMemberOf } from '../common/identity';
import { StateReader, getStateMultiple } from '../common/batch';
import { MallContext, getJson, put, putUnjournalled } from '../common/state';
import { CompactAccrualItem } from '../wire/change-event';
import { DidRecord, didKey } from '../dids/did.store';
import { Fields, ID_RULE, asArray, asObject, instant, int, onlyMembers, optStr, str } from '../common/validate';
import { MAX_SEQ } from '../devices/device.model';
import { addHistory, historyKey } from './history';
import { newLot } from './lots';
import {
  AccrualRecord,
  HistoryLine,
  Lot,
  Program,
  ReversalRecord,
  accrualKey,
  expiryIndexKey,
  lotKey,
  pointsError,
  reversalKey,
} from './model';
import {
  AMOUNT_RULE,
  DID_RULE,
  MAX_BATCH,
  REF_RULE,
  amountOf,
  itemFields,
  memberOf,
  programIdOf,
  requireActive,
} from './request';
import { getLot, getMerchant, getProgram, putLot } from './store';

/**
 * The device attestation a receipt's points rest on (a paperless printer's signed e-receipt): `att/[deviceDid, seq]`.
 * Accrue records the reference only; it does not require the attestation to be anchored first (the two travel as
 * separate transactions). A reader proves the accrual with `devices:VerifyDigest(deviceDid, seq, digest)`.
 */
export interface AttestationRef {
  deviceDid: string;
  seq: number;
}

interface AccrualItem {
  member: string;
  amount: number;
  sourceRef: string;
  merchant?: string;
  attestation?: AttestationRef;
  /**
   * Campaign points: a fixed expiry (epoch ms) instead of the program's `expiryMonths`. It must lie after the
   * transaction time and after the lot's return window, and no later than the program's own expiry of a lot
   * earned now: a campaign shortens validity, it never extends it (checked in {@link credit}).
   */
  expiresAtMs?: number;
}

const ATTESTATION_MEMBERS = new Set(['deviceDid', 'seq']);

function attestationOf(f: Fields): AttestationRef | undefined {
  if (f.attestation === undefined) return undefined;
  const a = asObject(f.attestation, 'attestation');
  onlyMembers(a, ATTESTATION_MEMBERS, 'attestation');
  try {
    return { deviceDid: str(a, 'deviceDid', DID_RULE), seq: int(a, 'seq', { min: 1, max: MAX_SEQ }) };
  } catch (e) {
    if (e instanceof ChaincodeError) throw new ChaincodeError(e.code, `attestation.${e.detail}`);
    throw e;
  }
}

export interface AccrualResult {
  sourceRef: string;
  status: 'accepted' | 'duplicate';
  member: string;
  amount: number;
  lotId: string;
  txId: string;
}

/** `{ programId, items: [{ member, amount, sourceRef, merchant?, attestation?, expiresAt? }] }` → one result per item. */
export function accrualBatchOf(f: Fields): { programId: string; items: AccrualItem[] } {
  const programId = programIdOf(f);
  const raw = asArray(f.items, 'items', { min: 1, max: MAX_BATCH });
  return { programId, items: raw.map((v, i) => accrualItemOf(itemFields(v, i), `items[${i}].`)) };
}

/** One receipt of a request; `prefix` (`items[i].`) makes errors name the batch item. */
export function accrualItemOf(f: Fields, prefix = ''): AccrualItem {
  try {
    return {
      member: memberOf(f),
      amount: amountOf(f),
      sourceRef: str(f, 'sourceRef', REF_RULE),
      merchant: optStr(f, 'merchant', ID_RULE),
      attestation: attestationOf(f),
      ...(f.expiresAt === undefined ? {} : { expiresAtMs: instant(f, 'expiresAt') }),
    };
  } catch (e) {
    // Name the batch item, so that a caller can tell which receipt is wrong.
    if (e instanceof ChaincodeError) throw new ChaincodeError(e.code, prefix + e.detail);
    throw e;
  }
}

/**
 * Credits each item once; only the issuing mall (admin or client) may accrue. `batch` (AccrueBatch) makes a
 * refusal name the item (`items[i].expiresAt`); a single Accrue names the field alone.
 */
export async function accrue(
  ctx: MallContext,
  programId: string,
  items: AccrualItem[],
  batch = true,
): Promise<AccrualResult[]> {
  const program = await getProgram(ctx, programId);
  requireMemberOf(ctx, program.issuer);
  const committed = await committedAccruals(ctx, programId, items);
  const members = await memberRecords(
    ctx,
    items.filter((i) => !committed.has(i.sourceRef)),
  );
  // Reads do not see this transaction's writes: repeats inside the batch are tracked here.
  const seen = new Map<string, AccrualResult>();
  const checkedMerchants = new Set<string>();
  const out: AccrualResult[] = [];
  for (const [index, item] of items.entries()) {
    const earlier = seen.get(item.sourceRef) ?? committed.get(item.sourceRef);
    if (earlier) {
      out.push({ ...earlier, status: 'duplicate' });
      continue;
    }
    requireActive(item.member, members.get(item.member));
    if (item.merchant !== undefined) {
      const merchantId = item.merchant;
      await checkOnce(checkedMerchants, merchantId, () => requireMerchantOf(ctx, merchantId, program));
    }
    const result = await credit(ctx, program, item, index, batch ? `items[${index}].` : '');
    seen.set(item.sourceRef, result);
    out.push(result);
  }
  return out;
}

/** Every receipt's committed accrual record, read in one GET_STATE_MULTIPLE (common/batch.ts). */
async function committedAccruals(
  ctx: MallContext,
  programId: string,
  items: readonly AccrualItem[],
): Promise<Map<string, AccrualResult>> {
  const refs = [...new Set(items.map((i) => i.sourceRef))];
  const values = await getStateMultiple(
    stateReader(ctx),
    refs.map((ref) => accrualKey(ctx, programId, ref)),
  );
  const out = new Map<string, AccrualResult>();
  refs.forEach((sourceRef, i) => {
    const bytes = values[i];
    if (!bytes || bytes.length === 0) return;
    const rec = JSON.parse(Buffer.from(bytes).toString('utf8')) as AccrualRecord;
    out.set(sourceRef, { sourceRef, status: 'accepted', ...pick(rec) });
  });
  return out;
}

function pick(rec: AccrualRecord): Pick<AccrualResult, 'member' | 'amount' | 'lotId' | 'txId'> {
  return { member: rec.member, amount: rec.amount, lotId: rec.lotId, txId: rec.txId };
}

/** The DID records of the members that new items credit, read in one GET_STATE_MULTIPLE. */
async function memberRecords(
  ctx: MallContext,
  items: readonly AccrualItem[],
): Promise<Map<string, DidRecord | undefined>> {
  const dids = [...new Set(items.map((i) => i.member))];
  const values = await getStateMultiple(
    stateReader(ctx),
    dids.map((did) => didKey(ctx, did)),
  );
  const out = new Map<string, DidRecord | undefined>();
  dids.forEach((did, i) => {
    const bytes = values[i];
    out.set(
      did,
      bytes && bytes.length > 0 ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as DidRecord) : undefined,
    );
  });
  return out;
}

/** The stub as the plain reader getStateMultiple falls back to. */
function stateReader(ctx: MallContext): StateReader {
  return { getState: (k) => ctx.stub.getState(k) };
}

async function checkOnce(done: Set<string>, id: string, check: () => Promise<void>): Promise<void> {
  if (done.has(id)) return;
  await check();
  done.add(id);
}

async function requireMerchantOf(ctx: MallContext, merchantId: string, program: Program): Promise<void> {
  const merchant = await getMerchant(ctx, merchantId);
  if (merchant.programId !== program.programId) {
    throw inputError('merchant', `${merchantId} earns through ${merchant.programId}, not ${program.programId}`);
  }
}

/**
 * A campaign lot's fixed expiry, checked against the transaction: after the transaction time and after the lot
 * becomes available (points that could never be spent are refused), no later than the program's own expiry.
 */
function campaignExpiry(lot: Lot, expiresAtMs: number, nowMs: number, field: string): Lot {
  if (expiresAtMs <= nowMs)
    throw inputError(field, `must be after the transaction time ${new Date(nowMs).toISOString()}`);
  if (expiresAtMs <= Date.parse(lot.availableAt)) {
    throw inputError(field, `must be after the end of the return window, ${lot.availableAt}`);
  }
  if (expiresAtMs > Date.parse(lot.expiresAt)) {
    throw inputError(field, `must not be later than the program's expiry of points earned now, ${lot.expiresAt}`);
  }
  return { ...lot, expiresAt: new Date(expiresAtMs).toISOString() };
}

async function credit(
  ctx: MallContext,
  program: Program,
  item: AccrualItem,
  index: number,
  fieldPrefix: string,
): Promise<AccrualResult> {
  const txId = ctx.stub.getTxID();
  const lotId = `${txId}.${index}`;
  const at = txTimeIso(ctx);
  const nowMs = txTimeMs(ctx);
  const regular = newLot({ ...item, lotId, program, origin: 'accrual', earnedAtMs: nowMs });
  const lot =
    item.expiresAtMs === undefined
      ? regular
      : campaignExpiry(regular, item.expiresAtMs, nowMs, `${fieldPrefix}expiresAt`);
  const record: AccrualRecord = {
    programId: program.programId,
    sourceRef: item.sourceRef,
    member: item.member,
    amount: item.amount,
    merchant: item.merchant,
    ...(item.attestation === undefined ? {} : { attestation: item.attestation }),
    lotId,
    txId,
    earnedAt: at,
    reversed: 0,
  };
  const line: HistoryLine = {
    member: item.member,
    type: 'accrue',
    programId: program.programId,
    points: item.amount,
    ref: item.sourceRef,
    txId,
    at,
  };
  // The same four writes as putLot + put + addHistory; the event carries them as one compact item.
  await putUnjournalled(ctx, lotKey(ctx, lot.member, lot.programId, lotId), lot);
  await putUnjournalled(ctx, expiryIndexKey(ctx, lot), { lotId, member: lot.member });
  await putUnjournalled(ctx, accrualKey(ctx, program.programId, item.sourceRef), record);
  await putUnjournalled(ctx, historyKey(ctx, line, index), line);
  journalAccrual(ctx, lot, item, index);
  return { sourceRef: item.sourceRef, status: 'accepted', member: item.member, amount: item.amount, lotId, txId };
}

/** Adds the item to the journal's compact run of accruals (a new run when the last entry is not one of this lot's kind). */
function journalAccrual(ctx: MallContext, lot: Lot, item: AccrualItem, index: number): void {
  const last = ctx.changes.at(-1);
  const entry: CompactAccrualItem =
    item.attestation !== undefined
      ? [
          index,
          item.member,
          item.amount,
          item.sourceRef,
          item.merchant ?? null,
          item.attestation.deviceDid,
          item.attestation.seq,
        ]
      : item.merchant !== undefined
        ? [index, item.member, item.amount, item.sourceRef, item.merchant]
        : [index, item.member, item.amount, item.sourceRef];
  if (
    last !== undefined &&
    'k' in last &&
    last.p === lot.programId &&
    last.at === lot.earnedAt &&
    last.av === lot.availableAt &&
    last.ex === lot.expiresAt
  ) {
    (last.i as CompactAccrualItem[]).push(entry);
    return;
  }
  ctx.changes.push({
    k: 'accrue',
    p: lot.programId,
    at: lot.earnedAt,
    av: lot.availableAt,
    ex: lot.expiresAt,
    i: [entry],
  });
}

export interface ReversalRequest {
  programId: string;
  sourceRef: string;
  reversalRef: string;
  amount?: number;
}

/** A Reverse request; `amount` absent means everything not yet reversed. */
export function reversalOf(f: Fields): ReversalRequest {
  return {
    programId: programIdOf(f),
    sourceRef: str(f, 'sourceRef', REF_RULE),
    reversalRef: str(f, 'reversalRef', REF_RULE),
    amount: f.amount === undefined ? undefined : int(f, 'amount', AMOUNT_RULE),
  };
}

/**
 * Takes back points of one accrual (a refund). Without `amount`, everything not yet
 * reversed. Only what is still in the lot can be taken back: points already spent or
 * expired stay where they went. Idempotent on (programId, reversalRef).
 */
export async function reverse(
  ctx: MallContext,
  r: ReversalRequest,
): Promise<ReversalRecord & { status: 'accepted' | 'duplicate' }> {
  const program = await getProgram(ctx, r.programId);
  requireMemberOf(ctx, program.issuer);
  const rKey = reversalKey(ctx, r.programId, r.reversalRef);
  const earlier = await getJson<ReversalRecord>(ctx, rKey);
  if (earlier) return { ...earlier, status: 'duplicate' };
  const aKey = accrualKey(ctx, r.programId, r.sourceRef);
  const accrual = await getJson<AccrualRecord>(ctx, aKey);
  if (!accrual) throw notFound('accrual', `${r.programId}/${r.sourceRef}`);
  const lot = await getLot(ctx, accrual.member, r.programId, accrual.lotId);
  if (!lot) throw notFound('lot', accrual.lotId);
  const amount = r.amount ?? accrual.amount - accrual.reversed;
  if (amount === 0 || amount > lot.remaining) {
    throw pointsError(
      'POINTS_INSUFFICIENT',
      `cannot reverse ${amount} points of ${r.sourceRef}: ${lot.remaining} remain in its lot`,
    );
  }
  const txId = ctx.stub.getTxID();
  const at = txTimeIso(ctx);
  const record: ReversalRecord = { ...r, member: accrual.member, lotId: lot.lotId, amount, txId, at };
  await putLot(ctx, { ...lot, remaining: lot.remaining - amount, reversed: lot.reversed + amount }, false);
  await put(ctx, 'accrual', aKey, { ...accrual, reversed: accrual.reversed + amount });
  await put(ctx, 'reversal', rKey, record);
  await addHistory(
    ctx,
    { member: accrual.member, type: 'reverse', programId: r.programId, points: -amount, ref: r.reversalRef, txId, at },
    0,
  );
  return { ...record, status: 'accepted' };
}
