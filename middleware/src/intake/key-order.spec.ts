import { KeyOrder, lanes } from './key-order';
import type { ClaimedItem } from './outbox.store';

function item(row: number, orderingKey: string | null, txId: string | null = null): ClaimedItem {
  return {
    outboxId: String(row),
    trackingId: `00000000-0000-4000-8000-${String(row).padStart(12, '0')}`,
    token: 't',
    kind: 'k',
    naturalKey: `n${row}`,
    fn: 'f',
    args: [],
    attempts: 0,
    createdAt: new Date(),
    orderingKey,
    sent: { txId, envelope: null, sentAt: null },
  };
}

const rows = (ls: ClaimedItem[][][]): string[][][] => ls.map((l) => l.map((u) => u.map((i) => i.outboxId)));

describe('lanes', () => {
  it('puts units that share an ordering key in one lane, in queue order; the others alone', () => {
    // A recovered transaction (rows 1, 2 of key a), a new batch (rows 3 of a, 4 of b), a lone item of b, a keyless one.
    const units = [
      [item(3, 'a'), item(4, 'b')],
      [item(1, 'a', 'tx'), item(2, 'a', 'tx')],
      [item(5, 'b')],
      [item(6, null)],
    ];
    expect(rows(lanes(units))).toEqual([[['1', '2'], ['3', '4'], ['5']], [['6']]]);
  });

  it("carries a key's recorded items before its fresh ones, even when the fresh batch starts at a lower outbox row", () => {
    // Rows 5 (key a) and 7 (key k) were sent as one transaction; row 3 (key b) and row 9 (key k) are a new batch
    // call. By first row the new call (3) would go first and send k's row 9 before its row 7.
    const units = [
      [item(3, 'b'), item(9, 'k')],
      [item(5, 'a', 'tx'), item(7, 'k', 'tx')],
    ];
    expect(rows(lanes(units))).toEqual([
      [
        ['5', '7'],
        ['3', '9'],
      ],
    ]);
  });

  it('joins lanes transitively (a unit with keys a and b links a lane of a and a lane of b)', () => {
    const units = [[item(1, 'a')], [item(2, 'b')], [item(3, 'c')], [item(4, 'a'), item(5, 'b')]];
    expect(rows(lanes(units))).toEqual([[['1'], ['2'], ['4', '5']], [['3']]]);
  });
});

describe('KeyOrder', () => {
  it('holds a key once one of its items did not commit, and only that key', () => {
    const order = new KeyOrder();
    order.observe({ kind: 'committed', item: item(1, 'a'), txId: 't', blockNumber: 1n });
    expect(order.held(item(2, 'a'))).toBe(false);
    order.observe({ kind: 'dead', item: item(2, 'a'), code: 'DEVICE_SEQ', reason: 'x' });
    order.observe({ kind: 'retry', item: item(3, null), reason: 'x', delayMs: 1 });
    expect(order.held(item(4, 'a'))).toBe(true);
    expect(order.held(item(5, 'b'))).toBe(false);
    expect(order.held(item(6, null))).toBe(false);
    expect(KeyOrder.heldBack(item(4, 'a'), 7)).toMatchObject({ kind: 'retry', wait: true, delayMs: 7 });
  });

  it('does not hold a key behind a dead item that released it (a proof refusal that consumed nothing)', () => {
    const order = new KeyOrder();
    order.observe({ kind: 'dead', item: item(1, 'a'), code: 'DEVICE_KEY', reason: 'x', release: true });
    expect(order.held(item(2, 'a'))).toBe(false);
    order.observe({ kind: 'dead', item: item(2, 'a'), code: 'DEVICE_SEQ', reason: 'x' });
    expect(order.held(item(3, 'a'))).toBe(true);
  });
});
