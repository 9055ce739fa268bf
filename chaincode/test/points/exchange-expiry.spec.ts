/** An exchange never extends a point's life: round trips between programs cannot renew points forever. */
import { DAY_MS } from '../../src/common/clock';
import type { ExchangeRecord, Lot } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, B, pointsWorld, signedExchange } from '../support/points-fixture';

describe('exchange and expiry', () => {
  it('gives the new lot the earlier of its own expiry and that of the points it came from', async () => {
    const w = await pointsWorld();
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r1' }, IDS.mallAClient);
    const lots = async (programId: string): Promise<Lot[]> =>
      (await w.call<Lot[]>('GetLots', { member: w.alice.did, programId }, IDS.mallAClient)).result;
    const originalExpiry = (await lots(A))[0]!.expiresAt;
    for (const [from, to, who] of [
      [A, B, IDS.mallAAdmin],
      [B, A, IDS.mallBAdmin],
    ] as const) {
      await w.call('ProposeRate', { fromProgram: from, toProgram: to, numerator: 1, denominator: 1 }, who);
      const other = who === IDS.mallAAdmin ? IDS.mallBAdmin : IDS.mallAAdmin;
      await w.call(
        'ApproveRate',
        { fromProgram: from, toProgram: to, numerator: 1, denominator: 1, unitValueFen: to === B ? 10 : 5 },
        other,
      );
    }
    w.ledger.advance(AFTER_RETURN_WINDOW + 300 * DAY_MS);
    for (let round = 0; round < 3; round++) {
      const there = signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 100, receive: 100 });
      const out = await w.call<ExchangeRecord>('Exchange', there, IDS.mallAClient);
      expect(out.result.received).toBe(100);
      const back = signedExchange(w, w.alice, { fromProgram: B, toProgram: A, amount: 100, receive: 100 });
      await w.call('Exchange', back, IDS.mallAClient);
      w.ledger.advance(10 * DAY_MS);
    }
    const [lot] = await lots(A);
    // Before: each exchange gave a fresh 6 / 12 months, so the round trips renewed the points.
    expect(lot!.expiresAt <= originalExpiry).toBe(true);
    expect(lot!.expiresAt).toBe(originalExpiry);
  });
});
