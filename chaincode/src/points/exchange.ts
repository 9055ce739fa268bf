/**
 * Exchange between two programs at a rate both issuing malls approved. The member's points
 * of the source program are spent and a new lot of the target program is created; the source
 * issuer owes the target issuer the value of the liability it hands over.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { authError, inputError, notFound } from '../common/errors';
import { caller, requireAdminOf, requireOrgUser } from '../common/identity';
import { MallContext, getJson, key, put, remove } from '../common/state';
import { Fields, int, optInt } from '../common/validate';
import { exchangeConsentPayload as signedExchange } from '../wire/signed-payloads';
import { bookClearing } from './clearing';
import { ConsentFields, acceptConsent, consentOf } from './consent';
import { addHistory } from './history';
import { memberLots, newLot, spend } from './lots';
import { ExchangeRecord, K, Program, RateRecord, pointsError, rateKey, clearingUnitValueAt } from './model';
import { AMOUNT_RULE, amountOf, memberOf, programIdOf, requireDistinct } from './request';
import { getProgram, putLot } from './store';

const RATE_TERM = { min: 1, max: 1_000_000 };
const UNIT_VALUE = { min: 1, max: 100_000 };

export interface RateRequest {
  fromProgram: string;
  toProgram: string;
  numerator: number;
  denominator: number;
  /** Fen per received point; a proposal without it takes the target program's value in force. */
  unitValueFen?: number;
}

/** A ProposeRate / ApproveRate request: two distinct programs and the rate terms. */
export function rateOf(f: Fields): RateRequest {
  const r = {
    fromProgram: programIdOf(f, 'fromProgram'),
    toProgram: programIdOf(f, 'toProgram'),
    numerator: int(f, 'numerator', RATE_TERM),
    denominator: int(f, 'denominator', RATE_TERM),
    unitValueFen: optInt(f, 'unitValueFen', UNIT_VALUE),
  };
  requireDistinct(r.fromProgram, r.toProgram, 'toProgram');
  return r;
}

/** An ApproveRate request: the approver names every term, the unit value included (the money it agrees to). */
export function approvalOf(f: Fields): Required<RateRequest> {
  const r = rateOf(f);
  return { ...r, unitValueFen: int(f, 'unitValueFen', UNIT_VALUE) };
}

/** A WithdrawRate request: the pair of programs. */
export function ratePairOf(f: Fields): { fromProgram: string; toProgram: string } {
  const r = { fromProgram: programIdOf(f, 'fromProgram'), toProgram: programIdOf(f, 'toProgram') };
  requireDistinct(r.fromProgram, r.toProgram, 'toProgram');
  return r;
}

async function programsOf(
  ctx: MallContext,
  r: { fromProgram: string; toProgram: string },
): Promise<[Program, Program]> {
  return [await getProgram(ctx, r.fromProgram), await getProgram(ctx, r.toProgram)];
}

/**
 * An admin of either issuer proposes; when one mall issues both programs it is approved at
 * once. A proposal may replace a pending proposal, never an approved rate: new terms for an
 * approved pair need WithdrawRate first, so approved terms change only with both issuers.
 */
export async function proposeRate(ctx: MallContext, r: RateRequest): Promise<RateRecord> {
  const [from, to] = await programsOf(ctx, r);
  const who = caller(ctx);
  const mall = who.mspId === to.issuer ? to.issuer : from.issuer;
  requireAdminOf(ctx, mall);
  const current = await getJson<RateRecord>(ctx, rateKey(ctx, r.fromProgram, r.toProgram));
  if (current?.status === 'approved') {
    throw pointsError(
      'POINTS_RATE_STATE',
      `the rate ${r.fromProgram}->${r.toProgram} is approved; withdraw it (WithdrawRate) before proposing new terms`,
    );
  }
  const selfApproved = from.issuer === to.issuer;
  const rate: RateRecord = {
    ...r,
    unitValueFen: r.unitValueFen ?? clearingUnitValueAt(to, txTimeMs(ctx)),
    status: selfApproved ? 'approved' : 'proposed',
    proposedBy: mall,
    approvedBy: selfApproved ? mall : undefined,
    updatedAt: txTimeIso(ctx),
  };
  await put(ctx, 'rate', rateKey(ctx, r.fromProgram, r.toProgram), rate);
  return rate;
}

/** The other issuer's admin approves exactly the proposed terms. */
export async function approveRate(ctx: MallContext, r: Required<RateRequest>): Promise<RateRecord> {
  const [from, to] = await programsOf(ctx, r);
  const proposal = await getJson<RateRecord>(ctx, rateKey(ctx, r.fromProgram, r.toProgram));
  if (!proposal) throw notFound('rate', `${r.fromProgram}->${r.toProgram}`);
  const other = proposal.proposedBy === from.issuer ? to.issuer : from.issuer;
  requireAdminOf(ctx, other);
  if (proposal.status !== 'proposed') throw pointsError('POINTS_RATE_STATE', 'the rate is already approved');
  const sameValue = r.unitValueFen === proposal.unitValueFen;
  if (proposal.numerator !== r.numerator || proposal.denominator !== r.denominator || !sameValue) {
    throw pointsError(
      'POINTS_RATE_MISMATCH',
      `proposed rate is ${proposal.numerator}/${proposal.denominator} at ${proposal.unitValueFen} fen a point`,
    );
  }
  const rate: RateRecord = { ...proposal, status: 'approved', approvedBy: other, updatedAt: txTimeIso(ctx) };
  await put(ctx, 'rate', rateKey(ctx, r.fromProgram, r.toProgram), rate);
  return rate;
}

/**
 * An admin of either issuer withdraws a rate (proposed or approved): exchanges on the pair stop
 * until new terms are proposed and approved. Either issuer may always stop honouring a pair.
 */
export async function withdrawRate(
  ctx: MallContext,
  r: { fromProgram: string; toProgram: string },
): Promise<{ fromProgram: string; toProgram: string; withdrawnBy: string }> {
  const [from, to] = await programsOf(ctx, r);
  const who = caller(ctx);
  const mall = who.mspId === to.issuer ? to.issuer : from.issuer;
  requireAdminOf(ctx, mall);
  const rKey = rateKey(ctx, r.fromProgram, r.toProgram);
  if (!(await getJson<RateRecord>(ctx, rKey))) throw notFound('rate', `${r.fromProgram}->${r.toProgram}`);
  await remove(ctx, 'rate', rKey);
  return { ...r, withdrawnBy: mall };
}

export interface ExchangeRequest {
  member: string;
  fromProgram: string;
  toProgram: string;
  amount: number;
  /** Points of `toProgram` the member expects: signed, so the rate cannot change under them. */
  receive: number;
  consent: ConsentFields;
}

/** An Exchange request with its consent fields; validated before any state is read. */
export function exchangeOf(f: Fields): ExchangeRequest {
  const r = {
    member: memberOf(f),
    fromProgram: programIdOf(f, 'fromProgram'),
    toProgram: programIdOf(f, 'toProgram'),
    amount: amountOf(f),
    receive: int(f, 'receive', AMOUNT_RULE),
    consent: consentOf(f),
  };
  requireDistinct(r.fromProgram, r.toProgram, 'toProgram');
  return r;
}

/** The exact object the member signs (as JCS) to consent to an exchange. */
export function exchangeConsentPayload(ctx: MallContext, r: ExchangeRequest): object {
  const { amount, member, fromProgram, toProgram, receive, consent } = r;
  return signedExchange(
    { channel: ctx.stub.getChannelID() },
    { amount, member, fromProgram, toProgram, receive, nonce: consent.nonce, deadline: consent.deadline },
  );
}

async function approvedRate(ctx: MallContext, r: ExchangeRequest): Promise<RateRecord> {
  const rate = await getJson<RateRecord>(ctx, rateKey(ctx, r.fromProgram, r.toProgram));
  if (rate?.status !== 'approved') {
    throw pointsError('POINTS_RATE_NOT_APPROVED', `no approved rate from ${r.fromProgram} to ${r.toProgram}`);
  }
  const product = r.amount * rate.numerator;
  if (product % rate.denominator !== 0 || product / rate.denominator !== r.receive) {
    throw inputError(
      'receive',
      `at ${rate.numerator}/${rate.denominator}, ${r.amount} points give ${product / rate.denominator}; only exact conversions are accepted`,
    );
  }
  return rate;
}

/** Submitted by an admin or client of either issuing mall, with the member's consent. */
export async function exchange(ctx: MallContext, r: ExchangeRequest): Promise<ExchangeRecord> {
  const who = requireOrgUser(ctx);
  const [from, to] = await programsOf(ctx, r);
  if (who.mspId !== from.issuer && who.mspId !== to.issuer) {
    throw authError(
      'AUTH_FORBIDDEN',
      `only ${from.issuer} or ${to.issuer} may submit this exchange; caller is ${who.mspId}`,
    );
  }
  const rate = await approvedRate(ctx, r);
  await acceptConsent(ctx, r.member, exchangeConsentPayload(ctx, r), r.consent);
  const nowMs = txTimeMs(ctx);
  const { changed, takes } = spend(await memberLots(ctx, r.member, r.fromProgram), r.amount, nowMs, 'movedOut');
  const txId = ctx.stub.getTxID();
  const at = txTimeIso(ctx);
  // Exchanged points come from points already past their return window: no new pending time.
  // They never outlive the points they came from, so round trips cannot renew them.
  const fresh = newLot({
    lotId: `${txId}.0`,
    member: r.member,
    program: to,
    origin: 'exchange',
    sourceRef: txId,
    amount: r.receive,
    earnedAtMs: nowMs,
  });
  const earliest = changed.reduce((min, l) => (l.expiresAt < min ? l.expiresAt : min), fresh.expiresAt);
  const lot = { ...fresh, availableAt: at, expiresAt: earliest };
  for (const l of changed) await putLot(ctx, l, false);
  await putLot(ctx, lot, true);
  const clearingKey = await bookClearing(
    ctx,
    {
      kind: 'exchange',
      debtor: from.issuer,
      creditor: to.issuer,
      amountFen: r.receive * rate.unitValueFen,
      points: r.receive,
      programId: r.toProgram,
      ref: txId,
      txId,
      at,
    },
    0,
  );
  const record: ExchangeRecord = {
    member: r.member,
    fromProgram: r.fromProgram,
    toProgram: r.toProgram,
    amount: r.amount,
    received: r.receive,
    numerator: rate.numerator,
    denominator: rate.denominator,
    nonce: r.consent.nonce,
    takes,
    lotId: lot.lotId,
    clearingKey,
    txId,
    at,
  };
  await put(ctx, 'exchange', key(ctx, K.exchange, r.member, txId), record);
  const line = { member: r.member, ref: txId, txId, at };
  await addHistory(ctx, { ...line, type: 'exchange-out', programId: r.fromProgram, points: -r.amount }, 0);
  await addHistory(ctx, { ...line, type: 'exchange-in', programId: r.toProgram, points: r.receive }, 1);
  return record;
}
