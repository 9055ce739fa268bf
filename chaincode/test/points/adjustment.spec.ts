/** points:Adjust — a debit correction by the issuer, with its reason, on the ledger and in the history. */
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld } from '../support/points-fixture';

describe('points: debit adjustment', () => {
  let w: PointsWorld;
  beforeEach(async () => {
    w = await pointsWorld();
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r1' }, IDS.mallAClient);
    w.ledger.advance(AFTER_RETURN_WINDOW);
  });

  const balance = async (): Promise<number> => {
    const { result } = await w.call<{ balances: { available: number }[] }>(
      'GetBalance',
      { member: w.alice.did, programId: A },
      IDS.mallAClient,
    );
    return result.balances[0]?.available ?? 0;
  };
  const req = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    programId: A,
    member: w.alice.did,
    amount: 30,
    reasonCode: 'WRONG_RECEIPT',
    ref: 'haide:MALL-A/adj-1',
    ...over,
  });

  it('takes the points as reversed, records the reason and a history line; a repeat is a duplicate', async () => {
    const first = await w.call<{ status: string; reasonCode: string; takes: unknown[] }>(
      'Adjust',
      req(),
      IDS.mallAAdmin,
    );
    expect(first.result).toMatchObject({ status: 'accepted', reasonCode: 'WRONG_RECEIPT', amount: 30 });
    expect(await balance()).toBe(70);
    const { result: lots } = await w.call<{ reversed: number; remaining: number }[]>(
      'GetLots',
      { member: w.alice.did, programId: A },
      IDS.mallAClient,
    );
    expect(lots[0]).toMatchObject({ reversed: 30, remaining: 70 });
    const { result: hist } = await w.call<{ type: string; points: number; ref: string }[]>(
      'GetHistory',
      { member: w.alice.did },
      IDS.mallAClient,
    );
    expect(hist.find((h) => h.type === 'adjust')).toMatchObject({ points: -30, ref: 'haide:MALL-A/adj-1' });
    const before = w.ledger.dump();
    const again = await w.call<{ status: string }>('Adjust', req({ amount: 99 }), IDS.mallAClient);
    expect(again.result.status).toBe('duplicate');
    expect(w.ledger.dump()).toEqual(before);
    // GetAdjustment reads the record back by (programId, ref), for any mall (reconciliation verify=ledger).
    const { result: rec } = await w.call<Record<string, unknown>>(
      'GetAdjustment',
      { programId: A, ref: 'haide:MALL-A/adj-1' },
      IDS.mallBClient,
    );
    expect(rec).toMatchObject({ amount: 30, reasonCode: 'WRONG_RECEIPT', member: w.alice.did, txId: first.txId });
  });

  it('GetAdjustment: NOT_FOUND for an unknown ref, INPUT_INVALID naming a bad field', async () => {
    await expect(w.call('GetAdjustment', { programId: A, ref: 'nope' }, IDS.mallAClient)).rejects.toThrow(
      `NOT_FOUND: adjustment ${A}/nope`,
    );
    await expect(w.call('GetAdjustment', { programId: A, ref: ' bad' }, IDS.mallAClient)).rejects.toThrow(
      'INPUT_INVALID: ref:',
    );
    await expect(w.call('GetAdjustment', { ref: 'x' }, IDS.mallAClient)).rejects.toThrow('INPUT_INVALID: programId:');
  });

  it.each([
    ['more than available', { amount: 101 }, 'POINTS_INSUFFICIENT:'],
    ['a bad reason code', { reasonCode: 'no spaces allowed' }, 'INPUT_INVALID:'],
    ['a reason code past 32', { reasonCode: 'R'.repeat(33) }, 'INPUT_INVALID:'],
    ['zero points', { amount: 0 }, 'INPUT_INVALID:'],
    ['no ref', { ref: undefined }, 'INPUT_INVALID:'],
  ])('refuses %s and writes nothing', async (_name, over, code) => {
    const before = w.ledger.dump();
    await expect(w.call('Adjust', req(over), IDS.mallAAdmin)).rejects.toThrow(code);
    expect(w.ledger.dump()).toEqual(before);
  });
});
