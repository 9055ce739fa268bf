import type { LedgerPort } from '../../../src/ledger/ledger.port';
import { uniqueId } from '../../ledger/network';
import type { FeederReport } from './feeder';
import type { IntakeDb, ItemRow } from './intake-db';
import { eventsSince, notePuts } from './ledger-check';
import { poll } from './http';

/** Waits until no stored item is pending any more; returns every item. Fails at once if one is dead. */
export function allSettled(db: IntakeDb, timeoutMs: number): Promise<ItemRow[]> {
  return poll(
    'every stored item committed',
    async () => {
      const rows = await db.items();
      const dead = rows.filter((r) => r.status === 'dead');
      if (dead.length > 0) throw new Error(`dead items: ${JSON.stringify(dead.slice(0, 3))}`);
      return rows.every((r) => r.status === 'committed') ? rows : undefined;
    },
    timeoutMs,
    1000,
  );
}

/** What the fault tests prove about a run; the caller turns each field into an assertion. */
export interface ExactlyOnce {
  /** Acknowledged notes that are not stored (lost after the till was told "accepted"). */
  readonly lost: string[];
  /** Stored notes with a put count on the ledger other than one, or whose put is not the item's transaction. */
  readonly notOnce: { id: string; puts: string[]; itemTx: string | null }[];
  /** Tracking IDs whose terminal events are not exactly one `intake.committed`. */
  readonly badEvents: { trackingId: string; events: string[] }[];
  readonly stored: number;
}

/**
 * Counts through `checker` (a client of another mall's peer) every note put since `fromBlock`, and compares with
 * the stored items, the till's acknowledgements and the event log.
 */
export async function checkExactlyOnce(
  db: IntakeDb,
  rows: readonly ItemRow[],
  feed: FeederReport,
  checker: LedgerPort,
  fromBlock: bigint,
): Promise<ExactlyOnce> {
  const stored = new Map(rows.map((r) => [r.natural_key, r]));
  const lost = [...feed.acknowledged.keys()].filter((id) => !stored.has(id));
  const puts = notePuts(await eventsSince(checker, fromBlock, uniqueId('fault-fence')), [...stored.keys()]);
  const notOnce = [...stored.values()]
    .map((r) => ({ id: r.natural_key, puts: puts.get(r.natural_key) ?? [], itemTx: r.tx_id }))
    .filter((x) => x.puts.length !== 1 || x.puts[0] !== x.itemTx);
  const byItem = new Map<string, string[]>();
  for (const e of await db.terminalEvents()) {
    const list = byItem.get(e.trackingId) ?? [];
    for (let i = 0; i < e.n; i++) list.push(e.type);
    byItem.set(e.trackingId, list);
  }
  const badEvents = rows
    .map((r) => ({ trackingId: r.tracking_id, events: byItem.get(r.tracking_id) ?? [] }))
    .filter((x) => x.events.length !== 1 || x.events[0] !== 'intake.committed');
  return { lost, notOnce: notOnce.slice(0, 20), badEvents: badEvents.slice(0, 20), stored: rows.length };
}
