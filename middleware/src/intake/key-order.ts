import type { ClaimedItem, Outcome } from './outbox.store';

/**
 * Units of one claim in lanes: units that share an ordering key form one lane, carried one after the other in queue
 * order (units sent before first, then by their first outbox row); every other unit is a lane alone. A claim holds up to `BATCH_KEY_RUN_MAX`
 * consecutive items of a key, and they may fall into several units (a recovered transaction and a new batch call,
 * or a function without a batch codec): lanes keep their order.
 */
export function lanes(units: readonly (readonly ClaimedItem[])[]): ClaimedItem[][][] {
  const parent = units.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    return r;
  };
  const unitOfKey = new Map<string, number>();
  units.forEach((unit, u) => {
    for (const item of unit) {
      if (item.orderingKey === null) continue;
      const other = unitOfKey.get(item.orderingKey);
      if (other === undefined) unitOfKey.set(item.orderingKey, u);
      else parent[root(u)] = root(other);
    }
  });
  const byRoot = new Map<number, ClaimedItem[][]>();
  units.forEach((unit, u) => {
    const r = root(u);
    const lane = byRoot.get(r) ?? [];
    lane.push([...unit]);
    byRoot.set(r, lane);
  });
  return [...byRoot.values()].map((lane) =>
    lane.sort((a, b) => Number(fresh(a)) - Number(fresh(b)) || compareIds(firstRow(a), firstRow(b))),
  );
}

/**
 * A unit never sent (no recorded transaction). Within a lane, units sent before go first: an item is sent only when
 * every earlier item of its key was, so a key's recorded items are ahead of its fresh ones in its order, whatever the
 * outbox rows of the units' other items say (a fresh batch call can start at a lower row than a recovered one).
 */
function fresh(unit: readonly ClaimedItem[]): boolean {
  return unit.every((i) => i.sent.txId === null);
}

function firstRow(unit: readonly ClaimedItem[]): bigint {
  return unit.reduce((m, i) => (BigInt(i.outboxId) < m ? BigInt(i.outboxId) : m), BigInt(unit[0]?.outboxId ?? 0));
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Per claim: an item of an ordering key is sent only while every earlier item of its key in the claim committed.
 * Once one did not (dead, or back to the queue), the later ones of its key go back to the queue unsent (`wait`: not
 * a failed attempt), where they wait behind it (`SELECT_READY`).
 */
export class KeyOrder {
  readonly #broken = new Set<string>();

  /** Called with every outcome of the claim, as soon as it is known. */
  observe(outcome: Outcome): void {
    if (outcome.kind === 'committed' || outcome.item.orderingKey === null) return;
    // A released dead item gave up its place: nothing after it waits for it (`LedgerFunctionMeta.releasesOn`).
    if (outcome.kind === 'dead' && outcome.release === true) return;
    this.#broken.add(outcome.item.orderingKey);
  }

  /** Whether `item` must not be sent now. */
  held(item: ClaimedItem): boolean {
    return item.orderingKey !== null && this.#broken.has(item.orderingKey);
  }

  /** The outcome of a held item. */
  static heldBack(item: ClaimedItem, delayMs: number): Outcome {
    const reason = `not sent: an earlier item of ordering key ${item.orderingKey ?? '?'} did not commit in this round`;
    return { kind: 'retry', item, reason, delayMs, wait: true };
  }
}
