/**
 * An approved rate fixes what the source issuer pays per received point: the approver names
 * the unit value it agrees to, and the target issuer cannot replace approved terms on its own
 * (nor suspend the pair by re-proposing): new terms need WithdrawRate, then a fresh approval.
 */
import type { RateRecord } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, B, PointsWorld, pointsWorld, signedExchange } from '../support/points-fixture';

const TERMS = { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 };

async function approvedWorld(): Promise<PointsWorld> {
  const w = await pointsWorld();
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 1_000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  await w.call('ProposeRate', TERMS, IDS.mallAAdmin);
  await w.call('ApproveRate', { ...TERMS, unitValueFen: 10 }, IDS.mallBAdmin);
  return w;
}

const rateOf = async (w: PointsWorld): Promise<RateRecord> =>
  (await w.call<RateRecord>('GetRate', { fromProgram: A, toProgram: B }, IDS.mallAClient)).result;

describe('rate approval names the unit value', () => {
  it('refuses an approval that leaves out unitValueFen, and stores nothing', async () => {
    const w = await pointsWorld();
    await w.call('ProposeRate', { ...TERMS, unitValueFen: 100_000 }, IDS.mallBAdmin);
    const before = w.ledger.dump();
    await expect(w.call('ApproveRate', TERMS, IDS.mallAAdmin)).rejects.toThrow(/^INPUT_INVALID: .*unitValueFen/);
    await expect(w.call('ApproveRate', { ...TERMS, unitValueFen: 10 }, IDS.mallAAdmin)).rejects.toThrow(
      'POINTS_RATE_MISMATCH: proposed rate is 1/2 at 100000 fen a point',
    );
    expect(w.ledger.dump()).toEqual(before);
  });
});

describe('an approved rate cannot be overwritten by one issuer', () => {
  it('refuses a re-proposal over an approved rate (same terms, higher value), keeping the rate in force', async () => {
    const w = await approvedWorld();
    const before = w.ledger.dump();
    await expect(w.call('ProposeRate', { ...TERMS, unitValueFen: 100_000 }, IDS.mallBAdmin)).rejects.toThrow(
      'POINTS_RATE_STATE: the rate A-PTS->B-PTS is approved; withdraw it (WithdrawRate) before proposing new terms',
    );
    await expect(w.call('ProposeRate', TERMS, IDS.mallAAdmin)).rejects.toThrow('POINTS_RATE_STATE');
    expect(w.ledger.dump()).toEqual(before);
    expect(await rateOf(w)).toMatchObject({ status: 'approved', unitValueFen: 10 });
    // Exchanges keep working at the approved value.
    const ex = await w.call<{ received: number }>(
      'Exchange',
      signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 100, receive: 50 }),
      IDS.mallAClient,
    );
    expect(ex.result.received).toBe(50);
  });

  it('lets either issuer withdraw; new terms then need the other issuer’s fresh approval', async () => {
    const w = await approvedWorld();
    const out = await w.call('WithdrawRate', { fromProgram: A, toProgram: B }, IDS.mallBAdmin);
    expect(out.result).toEqual({ fromProgram: A, toProgram: B, withdrawnBy: 'MallBMSP' });
    const req = signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 100, receive: 50 });
    await expect(w.call('Exchange', req, IDS.mallAClient)).rejects.toThrow('POINTS_RATE_NOT_APPROVED');
    const proposed = await w.call<RateRecord>('ProposeRate', { ...TERMS, unitValueFen: 12 }, IDS.mallBAdmin);
    expect(proposed.result).toMatchObject({ status: 'proposed', unitValueFen: 12, proposedBy: 'MallBMSP' });
    await expect(w.call('ApproveRate', { ...TERMS, unitValueFen: 12 }, IDS.mallBAdmin)).rejects.toThrow(
      'AUTH_FORBIDDEN',
    );
    await w.call('ApproveRate', { ...TERMS, unitValueFen: 12 }, IDS.mallAAdmin);
    expect(await rateOf(w)).toMatchObject({ status: 'approved', unitValueFen: 12, approvedBy: 'MallAMSP' });
  });

  it('refuses to withdraw a rate that does not exist, or one of a program with itself', async () => {
    const w = await pointsWorld();
    await expect(w.call('WithdrawRate', { fromProgram: A, toProgram: B }, IDS.mallAAdmin)).rejects.toThrow(
      'NOT_FOUND: rate A-PTS->B-PTS',
    );
    await expect(w.call('WithdrawRate', { fromProgram: A, toProgram: A }, IDS.mallAAdmin)).rejects.toThrow(
      'INPUT_INVALID',
    );
  });
});
