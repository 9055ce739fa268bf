import { DAY_MS } from '../../src/common/clock';
import { expandChanges } from '../../src/wire/change-event';
import { net, payments } from '../../src/points/settlement';
import { ClearingEntry } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, B, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

interface AccrualOut {
  status: string;
  amount: number;
  lotId: string;
  txId: string;
}

describe('points: idempotency, reversal and contention', () => {
  let w: PointsWorld;
  beforeEach(async () => {
    w = await pointsWorld();
  });

  const available = async (did: string, programId = A): Promise<{ available: number; pending: number }> => {
    const { result } = await w.call<{ balances: { available: number; pending: number }[] }>(
      'GetBalance',
      { member: did, programId },
      IDS.mallAClient,
    );
    return result.balances[0] ?? { available: 0, pending: 0 };
  };

  it('a repeated receipt returns the original result and credits nothing', async () => {
    const req = { programId: A, member: w.alice.did, amount: 40, sourceRef: 'A01/POS1/7' };
    const first = await w.call<AccrualOut>('Accrue', req, IDS.mallAClient);
    const before = w.ledger.dump();
    const again = await w.call<AccrualOut>('Accrue', { ...req, amount: 999 }, IDS.mallAAdmin);
    expect(again.result).toEqual({ ...first.result, status: 'duplicate' });
    expect(again.result.amount).toBe(40);
    expect(again.event).toBeUndefined();
    expect(w.ledger.dump()).toEqual(before);
    expect(await available(w.alice.did)).toMatchObject({ pending: 40 });
  });

  it('a batch credits each source reference once, also within the batch', async () => {
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 7, sourceRef: 'old' }, IDS.mallAClient);
    const items = [
      { member: w.alice.did, amount: 10, sourceRef: 's1' },
      { member: w.bob.did, amount: 20, sourceRef: 's2' },
      { member: w.alice.did, amount: 10, sourceRef: 's1' },
      { member: w.alice.did, amount: 7, sourceRef: 'old' },
    ];
    const { result } = await w.call<{ results: AccrualOut[] }>('AccrueBatch', { programId: A, items }, IDS.mallAClient);
    expect(result.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    expect(result.results[2]?.lotId).toBe(result.results[0]?.lotId);
    expect(await available(w.alice.did)).toMatchObject({ pending: 17 });
    expect(await available(w.bob.did)).toMatchObject({ pending: 20 });
  });

  it('accepts a batch of 500 receipts in one transaction', async () => {
    const items = Array.from({ length: 500 }, (_, i) => ({
      member: i % 2 ? w.alice.did : w.bob.did,
      amount: 1 + (i % 5),
      sourceRef: `big-${i}`,
    }));
    const { result } = await w.call<{ results: AccrualOut[] }>('AccrueBatch', { programId: A, items }, IDS.mallAClient);
    expect(result.results.filter((r) => r.status === 'accepted')).toHaveLength(500);
    const total = (await available(w.alice.did)).pending + (await available(w.bob.did)).pending;
    expect(total).toBe(items.reduce((s, i) => s + i.amount, 0));
  });

  it('accruals for different members write disjoint keys (no global totals)', async () => {
    const one = await w.call(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 1, sourceRef: 'k1' },
      IDS.mallAClient,
    );
    const two = await w.call(
      'Accrue',
      { programId: A, member: w.bob.did, amount: 1, sourceRef: 'k2' },
      IDS.mallAClient,
    );
    const ids = (e: typeof one.event): string[] =>
      (expandChanges(e?.payload as { changes: unknown[] }) as { id: string }[]).map((c) => c.id);
    const first = ids(one.event);
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(ids(two.event).filter((k) => first.includes(k))).toEqual([]);
  });

  it('reverses partially, then the rest, from a pending lot; a repeat changes nothing', async () => {
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r1' }, IDS.mallAClient);
    const part = await w.call<{ amount: number; status: string }>(
      'Reverse',
      { programId: A, sourceRef: 'r1', reversalRef: 'ret-1', amount: 30 },
      IDS.mallAClient,
    );
    expect(part.result).toMatchObject({ amount: 30, status: 'accepted' });
    const before = w.ledger.dump();
    const repeat = await w.call<{ status: string }>(
      'Reverse',
      { programId: A, sourceRef: 'r1', reversalRef: 'ret-1', amount: 30 },
      IDS.mallAClient,
    );
    expect(repeat.result.status).toBe('duplicate');
    expect(w.ledger.dump()).toEqual(before);
    const rest = await w.call<{ amount: number }>(
      'Reverse',
      { programId: A, sourceRef: 'r1', reversalRef: 'ret-2' },
      IDS.mallAAdmin,
    );
    expect(rest.result.amount).toBe(70);
    expect(await available(w.alice.did)).toMatchObject({ pending: 0, available: 0 });
    const acc = await w.call<{ reversed: number }>('GetAccrual', { programId: A, sourceRef: 'r1' }, IDS.mallBClient);
    expect(acc.result.reversed).toBe(100);
    await expect(
      w.call('Reverse', { programId: A, sourceRef: 'r1', reversalRef: 'ret-3' }, IDS.mallAAdmin),
    ).rejects.toThrow('POINTS_INSUFFICIENT: cannot reverse 0 points');
  });

  it('an accrual keeps the e-receipt attestation it rests on, readable by another mall; a repeat does not change it', async () => {
    const ref = { deviceDid: 'did:mallchain:printer1', seq: 7 };
    const first = await w.call<{ status: string }>(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 40, sourceRef: 'er-1', attestation: ref },
      IDS.mallAClient,
    );
    expect(first.result.status).toBe('accepted');
    const before = w.ledger.dump();
    const repeat = await w.call<{ status: string }>(
      'Accrue',
      { programId: A, member: w.alice.did, amount: 40, sourceRef: 'er-1', attestation: { ...ref, seq: 8 } },
      IDS.mallAClient,
    );
    expect(repeat.result.status).toBe('duplicate');
    expect(w.ledger.dump()).toEqual(before);
    const acc = await w.call<{ attestation?: unknown }>(
      'GetAccrual',
      { programId: A, sourceRef: 'er-1' },
      IDS.mallBClient,
    );
    expect(acc.result.attestation).toEqual(ref);
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 5, sourceRef: 'er-2' }, IDS.mallAClient);
    const plain = await w.call<Record<string, unknown>>(
      'GetAccrual',
      { programId: A, sourceRef: 'er-2' },
      IDS.mallBClient,
    );
    expect(plain.result).not.toHaveProperty('attestation');
  });

  it('a repeated redemption returns the original and does not spend the nonce again', async () => {
    await w.call('Accrue', { programId: A, member: w.bob.did, amount: 50, sourceRef: 'r1' }, IDS.mallAClient);
    w.ledger.advance(AFTER_RETURN_WINDOW);
    const req = signedRedeem(w, w.bob, { merchant: 'b-park', ref: 'gate-1', programId: A, amount: 20 });
    const first = await w.call<{ status: string; valueFen: number }>('Redeem', req, IDS.mallBClient);
    expect(first.result).toMatchObject({ status: 'accepted', valueFen: 100 });
    const before = w.ledger.dump();
    const again = await w.call<{ status: string }>('Redeem', req, IDS.mallBAdmin);
    expect(again.result.status).toBe('duplicate');
    expect(w.ledger.dump()).toEqual(before);
    expect(await available(w.bob.did)).toMatchObject({ available: 30 });
    const got = await w.call<{ member: string }>(
      'GetRedemption',
      { merchant: 'b-park', ref: 'gate-1' },
      IDS.mallAClient,
    );
    expect(got.result.member).toBe(w.bob.did);
  });

  it('a same-mall redemption books no clearing entry', async () => {
    await w.call('Accrue', { programId: B, member: w.bob.did, amount: 50, sourceRef: 'r1' }, IDS.mallBClient);
    const red = await w.call<{ clearingKey?: string }>(
      'Redeem',
      { merchant: 'b-food', ref: 'x', member: w.bob.did, programId: B, amount: 5 },
      IDS.mallBClient,
    );
    expect(red.result.clearingKey).toBeUndefined();
    expect(Object.keys(w.ledger.dump()).filter((k) => k.startsWith('points~clr~'))).toEqual([]);
  });

  it('new program terms apply to lots earned afterwards', async () => {
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 1, sourceRef: 'before' }, IDS.mallAClient);
    const upd = await w.call<{ returnWindowDays: number; unitValueFen: number }>('UpdateProgram', {
      programId: A,
      returnWindowDays: 0,
      name: 'Mall A Club',
    });
    expect(upd.result).toMatchObject({ returnWindowDays: 0, unitValueFen: 5 });
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 2, sourceRef: 'after' }, IDS.mallAClient);
    expect(await available(w.alice.did)).toEqual(expect.objectContaining({ available: 2, pending: 1 }));
    const programs = await w.call<{ programId: string; name: string }[]>('ListPrograms', {}, IDS.mallBClient);
    expect(programs.result.map((p) => [p.programId, p.name])).toEqual([
      [A, 'Mall A Club'],
      [B, 'Mall B Points'],
    ]);
  });

  it('reports points expiring soon and the lot dates from the program terms', async () => {
    await w.call('Accrue', { programId: B, member: w.bob.did, amount: 25, sourceRef: 'b1' }, IDS.mallBClient);
    const lots = await w.call<{ earnedAt: string; availableAt: string; expiresAt: string }[]>(
      'GetLots',
      { member: w.bob.did },
      IDS.mallBClient,
    );
    expect(lots.result[0]).toMatchObject({
      earnedAt: '2026-03-01T02:00:00.000Z',
      availableAt: '2026-03-01T02:00:00.000Z',
      expiresAt: '2026-09-01T02:00:00.000Z',
    });
    w.ledger.advance(170 * DAY_MS);
    const { result } = await w.call<{ balances: { expiringSoon: number; expiringWithinDays: number }[] }>(
      'GetBalance',
      { member: w.bob.did, expiringWithinDays: 30 },
      IDS.mallBClient,
    );
    expect(result.balances).toEqual([
      expect.objectContaining({ programId: B, expiringSoon: 25, expiringWithinDays: 30 }),
    ]);
  });
});

describe('points: netting', () => {
  const entry = (debtor: string, creditor: string, amountFen: number): ClearingEntry => ({
    kind: 'redemption',
    debtor,
    creditor,
    amountFen,
    points: 1,
    programId: 'P',
    ref: 'r',
    txId: 't',
    at: '2026-01-01T00:00:00.000Z',
  });

  it('nets a three-mall cycle to the minimum of payments', () => {
    const { gross, positions } = net([
      entry('A', 'B', 100),
      entry('B', 'C', 70),
      entry('C', 'A', 20),
      entry('A', 'B', 5),
    ]);
    expect(gross).toEqual([
      { from: 'A', to: 'B', amountFen: 105 },
      { from: 'B', to: 'C', amountFen: 70 },
      { from: 'C', to: 'A', amountFen: 20 },
    ]);
    expect(positions).toEqual([
      { mall: 'A', receivableFen: 20, payableFen: 105, netFen: -85 },
      { mall: 'B', receivableFen: 105, payableFen: 70, netFen: 35 },
      { mall: 'C', receivableFen: 70, payableFen: 20, netFen: 50 },
    ]);
    expect(positions.reduce((s, p) => s + p.netFen, 0)).toBe(0);
    expect(payments(positions)).toEqual([
      { from: 'A', to: 'B', amountFen: 35 },
      { from: 'A', to: 'C', amountFen: 50 },
    ]);
  });

  it('settles balanced positions with no payment', () => {
    const { positions } = net([entry('A', 'B', 10), entry('B', 'A', 10)]);
    expect(payments(positions)).toEqual([]);
  });
});
