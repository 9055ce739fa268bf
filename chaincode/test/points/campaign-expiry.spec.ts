/**
 * Campaign points: an accrual item may carry a fixed `expiresAt` that shortens the lot's validity (after the
 * transaction time and the return window, never later than the program's own expiry). The lot expires then,
 * the Expire sweep takes it, and a bad date is refused naming the field with nothing written.
 */
import { DAY_MS } from '../../src/common/clock';
import type { ExpireResult } from '../../src/points/expiry';
import type { Lot } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, B, PointsWorld, pointsWorld } from '../support/points-fixture';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

async function lots(w: PointsWorld, programId: string): Promise<Lot[]> {
  return (await w.call<Lot[]>('GetLots', { member: w.alice.did, programId }, IDS.mallBClient)).result;
}

async function balance(w: PointsWorld, programId: string): Promise<Record<string, number>> {
  const r = await w.call<{ balances: Record<string, number>[] }>(
    'GetBalance',
    { member: w.alice.did, programId },
    IDS.mallBClient,
  );
  return r.result.balances[0] ?? {};
}

describe('campaign points with a fixed expiresAt', () => {
  it('expires the campaign lot at its date while the regular lot keeps the program expiry', async () => {
    const w = await pointsWorld();
    const at = w.ledger.now + 10 * MIN;
    const r = await w.call<{ results: { status: string }[] }>(
      'AccrueBatch',
      {
        programId: B,
        items: [
          { member: w.alice.did, amount: 40, sourceRef: 'camp-1', expiresAt: iso(at) },
          { member: w.alice.did, amount: 60, sourceRef: 'regular-1' },
        ],
      },
      IDS.mallBClient,
    );
    expect(r.result.results.map((x) => x.status)).toEqual(['accepted', 'accepted']);
    // The compact event carries the campaign lot in its own run (its own `ex`).
    const runs = (r.event?.payload as { changes: { k?: string; ex?: string }[] }).changes.filter((c) => c.k);
    expect(runs.map((c) => c.ex)).toEqual([iso(at), expect.stringMatching(/^2026-09-01T/)]);
    const [camp, regular] = (await lots(w, B)).sort((x, y) => x.sourceRef.localeCompare(y.sourceRef));
    expect(camp).toMatchObject({ sourceRef: 'camp-1', expiresAt: iso(at) });
    expect(regular).toMatchObject({ sourceRef: 'regular-1', expiresAt: '2026-09-01T02:00:00.000Z' });
    expect(await balance(w, B)).toMatchObject({ available: 100, awaitingExpiry: 0 });

    // Before the date the sweep takes nothing.
    const early = await w.call<ExpireResult>('Expire', { programId: B }, IDS.mallBClient);
    expect(early.result).toMatchObject({ lotsSwept: 0, points: 0 });
    w.ledger.advance(10 * MIN);
    expect(await balance(w, B)).toMatchObject({ available: 60, awaitingExpiry: 40 });
    const swept = await w.call<ExpireResult>('Expire', { programId: B }, IDS.mallBClient);
    expect(swept.result).toMatchObject({ lotsSwept: 1, points: 40, valueFen: 400, more: false });
    expect(await balance(w, B)).toMatchObject({ available: 60, awaitingExpiry: 0 });
    const history = await w.call<{ type: string; points: number }[]>(
      'GetHistory',
      { member: w.alice.did },
      IDS.mallBClient,
    );
    expect(history.result[0]).toMatchObject({ type: 'expire', points: -40 });
    const again = await w.call<ExpireResult>('Expire', { programId: B }, IDS.mallBClient);
    expect(again.result).toMatchObject({ lotsSwept: 0, points: 0 });
  });

  it('accepts a single Accrue with an expiresAt equal to the program expiry, and a duplicate credits nothing', async () => {
    const w = await pointsWorld();
    const end = '2027-03-01T02:00:00.000Z'; // earned 2026-03-01T02:00Z + 12 months
    const r = await w.call<{ status: string }>(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 5, sourceRef: 'c1', expiresAt: end },
      IDS.mallAClient,
    );
    expect(r.result.status).toBe('accepted');
    const again = await w.call<{ status: string }>(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 5, sourceRef: 'c1', expiresAt: iso(w.ledger.now + DAY_MS * 30) },
      IDS.mallAClient,
    );
    expect(again.result.status).toBe('duplicate');
    expect((await lots(w, A)).map((l) => l.expiresAt)).toEqual([end]);
  });

  describe('refusals (nothing written, no event)', () => {
    const cases: [label: string, fn: string, item: (w: PointsWorld) => Record<string, unknown>, error: string][] = [
      [
        'a time in the past',
        'Accrue',
        (w) => ({ expiresAt: iso(w.ledger.now - MIN) }),
        'INPUT_INVALID: expiresAt: must be after the transaction time',
      ],
      [
        'the transaction time itself',
        'Accrue',
        (w) => ({ expiresAt: iso(w.ledger.now) }),
        'INPUT_INVALID: expiresAt: must be after the transaction time',
      ],
      [
        'a time later than the program expiry',
        'Accrue',
        () => ({ expiresAt: '2027-03-01T02:00:00.001Z' }),
        "INPUT_INVALID: expiresAt: must not be later than the program's expiry of points earned now, 2027-03-01T02:00:00.000Z",
      ],
      [
        'a time inside the return window (points that could never be spent)',
        'Accrue',
        (w) => ({ expiresAt: iso(w.ledger.now + 7 * DAY_MS) }),
        'INPUT_INVALID: expiresAt: must be after the end of the return window, 2026-03-08T02:00:00.000Z',
      ],
      ['a date without a time', 'Accrue', () => ({ expiresAt: '2026-06-01' }), 'INPUT_INVALID: expiresAt: must be'],
      ['a number', 'Accrue', () => ({ expiresAt: 1790000000000 }), 'INPUT_INVALID: expiresAt: must be a string'],
      ['an unreal day', 'Accrue', () => ({ expiresAt: '2026-06-31T00:00:00Z' }), 'INPUT_INVALID: expiresAt: is not'],
      [
        'a past time on the second item of a batch',
        'AccrueBatch',
        (w) => ({ expiresAt: iso(w.ledger.now - MIN) }),
        'INPUT_INVALID: items[1].expiresAt: must be after the transaction time',
      ],
      [
        'an unreal day on the second item of a batch',
        'AccrueBatch',
        () => ({ expiresAt: '2026-02-30T00:00:00Z' }),
        'INPUT_INVALID: items[1].expiresAt: is not a valid date',
      ],
    ];
    it.each(cases)('refuses %s', async (_label, fn, item, error) => {
      const w = await pointsWorld();
      const before = w.ledger.dump();
      const events = w.ledger.events.length;
      const one = { member: w.alice.did, amount: 10, sourceRef: 'bad-1', ...item(w) };
      const request =
        fn === 'Accrue'
          ? { programId: A, ...one }
          : { programId: A, items: [{ member: w.alice.did, amount: 1, sourceRef: 'ok-0' }, one] };
      await expect(w.call(fn, request, IDS.mallAClient)).rejects.toThrow(error);
      expect(w.ledger.dump()).toEqual(before);
      expect(w.ledger.events.length).toBe(events);
    });
  });
});
