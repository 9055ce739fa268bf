/**
 * What one mall owes another is the value both agreed, never what the other mall sets on
 * the day: an exchange is valued by the unit value fixed in the approved rate, and a
 * program's unit value changes only after a notice period (redemptions and breakage use the
 * value in force at their transaction time).
 */
import { DAY_MS, PEER_TIME_WINDOW_MS } from '../../src/common/clock';
import type { ClearingEntry, ExchangeRecord, Program, RateRecord, RedemptionRecord } from '../../src/points/model';
import { UNIT_VALUE_NOTICE_MS } from '../../src/points/program';
import { IDS } from '../support/fake-stub';
import {
  A,
  AFTER_RETURN_WINDOW,
  B,
  PointsWorld,
  pointsWorld,
  signedExchange,
  signedRedeem,
} from '../support/points-fixture';

async function world(): Promise<PointsWorld> {
  const w = await pointsWorld();
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 1000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  return w;
}

function clearingOf(w: PointsWorld, key: string | undefined): ClearingEntry {
  const dump = w.ledger.dump();
  return dump[key ?? ''] as ClearingEntry;
}

describe('exchange value fixed in the approved rate', () => {
  it('does not change what Mall A owes when Mall B raises its unit value 10,000x for one exchange', async () => {
    const w = await world();
    await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
    const approved = await w.call<RateRecord>(
      'ApproveRate',
      { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
      IDS.mallBAdmin,
    );
    // The proposal fixed B-PTS at its value then (10 fen); both malls agreed to it.
    expect(approved.result).toMatchObject({ unitValueFen: 10, status: 'approved' });
    await w.call('UpdateProgram', { programId: B, unitValueFen: 100_000 }, IDS.mallBAdmin);
    w.ledger.advance(UNIT_VALUE_NOTICE_MS);
    const ex = await w.call<ExchangeRecord>(
      'Exchange',
      signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 100, receive: 50 }),
      IDS.mallBClient,
    );
    await w.call('UpdateProgram', { programId: B, unitValueFen: 10 }, IDS.mallBAdmin);
    const entry = clearingOf(w, ex.result.clearingKey);
    expect(entry).toMatchObject({ debtor: 'MallAMSP', creditor: 'MallBMSP', amountFen: 50 * 10 });
  });

  it('lets the malls agree on another value explicitly, and the approval must repeat it', async () => {
    const w = await world();
    await w.call(
      'ProposeRate',
      { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 8 },
      IDS.mallAAdmin,
    );
    await expect(
      w.call(
        'ApproveRate',
        { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 9 },
        IDS.mallBAdmin,
      ),
    ).rejects.toThrow('POINTS_RATE_MISMATCH: proposed rate is 1/2 at 8 fen a point');
    const ok = await w.call<RateRecord>(
      'ApproveRate',
      { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 8 },
      IDS.mallBAdmin,
    );
    expect(ok.result.unitValueFen).toBe(8);
  });
});

describe('unit value changes take effect after a notice period', () => {
  it('keeps the old value for redemptions until the notice has run', async () => {
    const w = await world();
    const updated = await w.call<Program>('UpdateProgram', { programId: A, unitValueFen: 1 }, IDS.mallAAdmin);
    expect(updated.result).toMatchObject({
      unitValueFen: 5,
      nextUnitValue: { unitValueFen: 1, effectiveAt: new Date(w.ledger.now + UNIT_VALUE_NOTICE_MS).toISOString() },
    });
    const redeem = async (ref: string): Promise<RedemptionRecord> =>
      (
        await w.call<RedemptionRecord>(
          'Redeem',
          signedRedeem(w, w.alice, { merchant: 'b-food', ref, programId: A, amount: 10 }),
          IDS.mallBClient,
        )
      ).result;
    expect((await redeem('x1')).valueFen).toBe(50);
    w.ledger.advance(UNIT_VALUE_NOTICE_MS - PEER_TIME_WINDOW_MS - 1);
    expect((await redeem('x2')).valueFen).toBe(50);
    w.ledger.advance(PEER_TIME_WINDOW_MS * 2 + 1);
    expect((await redeem('x3')).valueFen).toBe(10);
    const program = await w.call<Program>('GetProgram', { programId: A }, IDS.mallBClient);
    expect(program.result).toMatchObject({ unitValueFen: 5, nextUnitValue: { unitValueFen: 1 } });
  });

  it('refuses a valued transaction within the peer time window around the change: its submitter would pick the value', async () => {
    const w = await world();
    await w.call('UpdateProgram', { programId: A, unitValueFen: 1 }, IDS.mallAAdmin);
    const redeem = (ref: string): Promise<unknown> =>
      w.call(
        'Redeem',
        signedRedeem(w, w.alice, { merchant: 'b-food', ref, programId: A, amount: 10 }),
        IDS.mallBClient,
      );
    // A proposal may carry any time within ±15 minutes of the peer's clock: from 15 minutes before
    // the change to 15 minutes after it, the submitter could choose the old or the new value.
    for (const offset of [-PEER_TIME_WINDOW_MS + 1, -1, 0, PEER_TIME_WINDOW_MS - 1]) {
      const at = Date.parse(
        (await w.call<Program>('GetProgram', { programId: A }, IDS.mallBClient)).result.nextUnitValue?.effectiveAt ??
          '',
      );
      w.ledger.now = at + offset;
      await expect(redeem(`edge${offset}`)).rejects.toThrow(/^POINTS_UNIT_VALUE_CHANGING: .*changes at/);
    }
    const before = w.ledger.dump();
    await expect(redeem('edge-again')).rejects.toThrow(/POINTS_UNIT_VALUE_CHANGING/);
    expect(w.ledger.dump()).toEqual(before); // nothing written
  });

  it('folds an effective change in when the next one is scheduled', async () => {
    const w = await world();
    await w.call('UpdateProgram', { programId: A, unitValueFen: 7 }, IDS.mallAAdmin);
    w.ledger.advance(UNIT_VALUE_NOTICE_MS + DAY_MS);
    const p = await w.call<Program>('UpdateProgram', { programId: A, unitValueFen: 9 }, IDS.mallAAdmin);
    expect(p.result).toMatchObject({ unitValueFen: 7, nextUnitValue: { unitValueFen: 9 } });
  });
});
