import { IDS } from '../support/fake-stub';
import {
  A,
  AFTER_RETURN_WINDOW,
  B,
  PointsWorld,
  pointsWorld,
  signedExchange,
  signedRedeem,
  signedTransfer,
} from '../support/points-fixture';
import { DAY_MS } from '../../src/common/clock';
import { SETTLEMENT_LAG_MS } from '../../src/points/settlement';

interface Bal {
  balances: { programId: string; available: number; pending: number; expiringSoon: number; awaitingExpiry: number }[];
}

describe('points: the cross-mall story', () => {
  let w: PointsWorld;
  beforeEach(async () => {
    w = await pointsWorld();
  });

  const balanceOf = async (did: string, programId = A): Promise<Bal['balances'][number] | undefined> => {
    const { result } = await w.call<Bal>('GetBalance', { member: did, programId }, IDS.mallBClient);
    return result.balances[0];
  };

  it('accrues at Mall A, redeems at a Mall B merchant with consent, clears and settles', async () => {
    const acc = await w.call<{ status: string; lotId: string }>(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 300, sourceRef: 'A01/POS1/0001', merchant: 'a-shoes' },
      IDS.mallAClient,
    );
    expect(acc.result.status).toBe('accepted');
    expect(acc.event?.name).toBe('mallchain.changes');
    expect(await balanceOf(w.alice.did)).toMatchObject({ available: 0, pending: 300 });

    w.ledger.advance(AFTER_RETURN_WINDOW);
    expect(await balanceOf(w.alice.did)).toMatchObject({ available: 300, pending: 0 });

    const red = await w.call<{ status: string; valueFen: number; clearingKey: string }>(
      'Redeem',
      signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'B01/POS9/0042', programId: A, amount: 120 }),
      IDS.mallBClient,
    );
    expect(red.result).toMatchObject({ status: 'accepted', valueFen: 600 });
    expect(await balanceOf(w.alice.did)).toMatchObject({ available: 180 });

    const from = new Date(w.ledger.now - DAY_MS).toISOString();
    const to = new Date(w.ledger.now + 1000).toISOString();
    const clearing = await w.call<unknown[]>('GetClearing', { from, to, mall: 'MallBMSP' }, IDS.mallAClient);
    expect(clearing.result).toEqual([
      expect.objectContaining({
        kind: 'redemption',
        debtor: 'MallAMSP',
        creditor: 'MallBMSP',
        amountFen: 600,
        points: 120,
      }),
    ]);

    w.ledger.advance(SETTLEMENT_LAG_MS + 2000);
    const closed = await w.call<{ periodId: string; positions: unknown[]; payments: unknown[] }>(
      'ClosePeriod',
      { from, to },
      IDS.mallBAdmin,
    );
    expect(closed.result.positions).toEqual([
      { mall: 'MallAMSP', receivableFen: 0, payableFen: 600, netFen: -600 },
      { mall: 'MallBMSP', receivableFen: 600, payableFen: 0, netFen: 600 },
    ]);
    expect(closed.result.payments).toEqual([{ from: 'MallAMSP', to: 'MallBMSP', amountFen: 600 }]);
    await w.call('ConfirmStatement', { periodId: closed.result.periodId }, IDS.mallAAdmin);
    await w.call('ConfirmStatement', { periodId: closed.result.periodId }, IDS.mallBAdmin);
    const st = await w.call<{ confirmations: { mall: string }[] }>(
      'GetStatement',
      { periodId: closed.result.periodId },
      IDS.mallBClient,
    );
    expect(st.result.confirmations.map((c) => c.mall)).toEqual(['MallAMSP', 'MallBMSP']);
  });

  it('spends the lots that expire first and never pending ones', async () => {
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r1' }, IDS.mallAClient);
    w.ledger.advance(40 * DAY_MS);
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r2' }, IDS.mallAClient);
    w.ledger.advance(AFTER_RETURN_WINDOW);
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r3' }, IDS.mallAClient);
    const red = await w.call<{ takes: { lotId: string; points: number }[] }>(
      'Redeem',
      { merchant: 'a-shoes', ref: 'x1', member: w.alice.did, programId: A, amount: 150 },
      IDS.mallAClient,
    );
    const lots = await w.call<{ lotId: string; sourceRef: string; remaining: number; state: string }[]>(
      'GetLots',
      { member: w.alice.did, programId: A, includeEmpty: true },
      IDS.mallAClient,
    );
    const bySource = Object.fromEntries(lots.result.map((l) => [l.sourceRef, l]));
    expect(bySource.r1).toMatchObject({ remaining: 0, state: 'empty' });
    expect(bySource.r2).toMatchObject({ remaining: 50, state: 'available' });
    expect(bySource.r3).toMatchObject({ remaining: 100, state: 'pending' });
    expect(red.result.takes.map((t) => t.points)).toEqual([100, 50]);
    await expect(
      w.call(
        'Redeem',
        { merchant: 'a-shoes', ref: 'x2', member: w.alice.did, programId: A, amount: 51 },
        IDS.mallAClient,
      ),
    ).rejects.toThrow('POINTS_INSUFFICIENT: 51 points requested, 50 available');
  });

  it('transfers between members keeping the lot dates', async () => {
    await w.call('Accrue', { programId: B, member: w.bob.did, amount: 80, sourceRef: 'b1' }, IDS.mallBClient);
    const t = await w.call<{ amount: number }>(
      'Transfer',
      signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 30 }),
      IDS.mallAClient,
    );
    expect(t.result.amount).toBe(30);
    expect(await balanceOf(w.bob.did, B)).toMatchObject({ available: 50 });
    expect(await balanceOf(w.carol.did, B)).toMatchObject({ available: 30 });
    const lots = await w.call<{ expiresAt: string; origin: string }[]>(
      'GetLots',
      { member: w.carol.did },
      IDS.mallBClient,
    );
    const bobLots = await w.call<{ expiresAt: string }[]>('GetLots', { member: w.bob.did }, IDS.mallBClient);
    expect(lots.result[0]).toMatchObject({ origin: 'transfer', expiresAt: bobLots.result[0]?.expiresAt });
    const hist = await w.call<{ type: string; points: number }[]>(
      'GetHistory',
      { member: w.carol.did },
      IDS.mallBClient,
    );
    expect(hist.result).toEqual([expect.objectContaining({ type: 'transfer-in', points: 30 })]);
  });

  it('exchanges A-PTS into B-PTS at an approved rate and books the clearing entry', async () => {
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 200, sourceRef: 'r1' }, IDS.mallAClient);
    w.ledger.advance(AFTER_RETURN_WINDOW);
    await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
    const req = signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 100, receive: 50 });
    await expect(w.call('Exchange', req, IDS.mallAClient)).rejects.toThrow('POINTS_RATE_NOT_APPROVED');
    const rate = await w.call<{ status: string; approvedBy: string }>(
      'ApproveRate',
      { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
      IDS.mallBAdmin,
    );
    expect(rate.result).toMatchObject({ status: 'approved', approvedBy: 'MallBMSP' });
    const ex = await w.call<{ received: number; clearingKey: string }>('Exchange', req, IDS.mallAClient);
    expect(ex.result.received).toBe(50);
    expect(await balanceOf(w.alice.did, A)).toMatchObject({ available: 100 });
    expect(await balanceOf(w.alice.did, B)).toMatchObject({ available: 50, pending: 0 });
    expect(w.ledger.dump()[ex.result.clearingKey]).toMatchObject({
      kind: 'exchange',
      debtor: 'MallAMSP',
      creditor: 'MallBMSP',
      amountFen: 500,
    });
  });

  it('expires lots past their date as breakage of the issuer, in batches', async () => {
    await w.call(
      'AccrueBatch',
      { programId: B, items: [1, 2, 3].map((i) => ({ member: w.bob.did, amount: 10 * i, sourceRef: `e${i}` })) },
      IDS.mallBClient,
    );
    const early = await w.call<{ lotsSwept: number }>('Expire', { programId: B }, IDS.mallBClient);
    expect(early.result.lotsSwept).toBe(0);
    w.ledger.advance(200 * DAY_MS);
    expect(await balanceOf(w.bob.did, B)).toMatchObject({ available: 0, awaitingExpiry: 60 });
    const first = await w.call<{ lotsSwept: number; points: number; valueFen: number; more: boolean }>(
      'Expire',
      { programId: B, limit: 2 },
      IDS.mallBAdmin,
    );
    expect(first.result).toMatchObject({ lotsSwept: 2, points: 30, valueFen: 300, more: true });
    const second = await w.call<{ lotsSwept: number; points: number; more: boolean }>(
      'Expire',
      { programId: B, limit: 2 },
      IDS.mallBAdmin,
    );
    expect(second.result).toMatchObject({ lotsSwept: 1, points: 30, more: false });
    expect(await balanceOf(w.bob.did, B)).toMatchObject({ available: 0, awaitingExpiry: 0 });
    const breakage = Object.entries(w.ledger.dump()).filter(([k]) => k.startsWith('pbrk/'));
    expect(breakage.map(([, v]) => (v as { points: number }).points)).toEqual([30, 30]);
  });
});
