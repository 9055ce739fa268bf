/**
 * Transfer of available points from one member to another within a program, signed by the
 * sender. The recipient's new lots keep the dates of the lots they came from, so a transfer
 * never extends a point's life.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { requireOrgUser } from '../common/identity';
import { MallContext, key, put } from '../common/state';
import { Fields } from '../common/validate';
import { transferConsentPayload as signedTransfer } from '../wire/signed-payloads';
import { ConsentFields, acceptConsent, consentOf } from './consent';
import { addHistory } from './history';
import { memberLots, spend } from './lots';
import { K, Lot, TransferRecord } from './model';
import { amountOf, memberOf, programIdOf, requireActiveMember, requireDistinct } from './request';
import { getProgram, putLot } from './store';

export interface TransferRequest {
  programId: string;
  from: string;
  to: string;
  amount: number;
  consent: ConsentFields;
}

/** A Transfer request between two distinct members, with the sender's consent fields. */
export function transferOf(f: Fields): TransferRequest {
  const r = {
    programId: programIdOf(f),
    from: memberOf(f, 'from'),
    to: memberOf(f, 'to'),
    amount: amountOf(f),
    consent: consentOf(f),
  };
  requireDistinct(r.from, r.to, 'to');
  return r;
}

/** The exact object the sender signs (as JCS). */
export function transferConsentPayload(ctx: MallContext, r: TransferRequest): object {
  const { amount, from, to, programId, consent } = r;
  return signedTransfer(
    { channel: ctx.stub.getChannelID() },
    { amount, from, to, programId, nonce: consent.nonce, deadline: consent.deadline },
  );
}

/** Any mall may submit; the sender's signature is what authorizes the move. */
export async function transfer(ctx: MallContext, r: TransferRequest): Promise<TransferRecord> {
  requireOrgUser(ctx);
  await getProgram(ctx, r.programId);
  await requireActiveMember(ctx, r.to);
  await acceptConsent(ctx, r.from, transferConsentPayload(ctx, r), r.consent);
  const sourceLots = await memberLots(ctx, r.from, r.programId);
  const { changed, takes } = spend(sourceLots, r.amount, txTimeMs(ctx), 'movedOut');
  const txId = ctx.stub.getTxID();
  const at = txTimeIso(ctx);
  for (const [i, lot] of changed.entries()) {
    await putLot(ctx, lot, false);
    const points = takes[i]?.points ?? 0;
    await putLot(ctx, receivedLot(lot, r.to, `${txId}.${i}`, points), true);
  }
  const record: TransferRecord = {
    programId: r.programId,
    from: r.from,
    to: r.to,
    amount: r.amount,
    nonce: r.consent.nonce,
    takes,
    txId,
    at,
  };
  await put(ctx, 'transfer', key(ctx, K.transfer, r.from, txId), record);
  const line = { programId: r.programId, ref: txId, txId, at };
  await addHistory(ctx, { ...line, member: r.from, type: 'transfer-out', points: -r.amount }, 0);
  await addHistory(ctx, { ...line, member: r.to, type: 'transfer-in', points: r.amount }, 1);
  return record;
}

function receivedLot(source: Lot, member: string, lotId: string, points: number): Lot {
  return {
    ...source,
    lotId,
    member,
    origin: 'transfer',
    sourceRef: source.lotId,
    amount: points,
    remaining: points,
    redeemed: 0,
    reversed: 0,
    expired: 0,
    movedOut: 0,
  };
}
