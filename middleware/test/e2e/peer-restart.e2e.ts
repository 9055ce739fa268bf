/**
 * The projection listener across a kill -9 and restart of the peer it listens through, on a network of the test's
 * own: transactions committed while that peer was down, items accepted meanwhile, and items after the restart all
 * reach the read model exactly once, and a rebuild from block 0 gives the same read model.
 */
import { readFileSync } from 'node:fs';
import type { Network } from '../../../fabric-network/src/network';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { uniqueId } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { eventsSince, notePuts, openChecker } from './support/ledger-check';
import { killNode, startOwnNetwork } from './support/own-network';
import { startRealApp, type RealApp } from './support/real-app';

const PEER_A = 'peer0.mall-a.example.com';

interface NoteRow {
  id: string;
  tx_id: string;
  block_number: string;
}

describe('projection across a restart of its peer (own network)', () => {
  const progress: string[] = [];
  let network: Network | undefined;
  let app: RealApp | undefined;
  let viaB: LedgerPort | undefined;

  beforeAll(async () => {
    network = await startOwnNetwork(progress);
    // Quick reconnects, so the test does not wait out the default back-off after the restart.
    app = await startRealApp(network.paths.description, { extra: { BATCH_MAX_BACKOFF_MS: '1000' } });
    viaB = await openChecker(network.paths.description, 'MallBMSP');
  }, 900_000);
  afterAll(async () => {
    await app?.close();
    viaB?.close();
    await network?.down(true);
  }, 120_000);

  it('misses nothing and doubles nothing', async () => {
    const a = app!;
    const b = viaB!;
    const net = network!;
    const post = async (ids: readonly string[]): Promise<string[]> =>
      Promise.all(
        ids.map(async (id) => {
          const r = await call<{ trackingId: string }>(a.base, a.key, 'POST', '/v1/notes', { id, text: `t-${id}` });
          expect(r.status).toBe(202);
          return r.body.trackingId;
        }),
      );
    const projectedRows = async (ids: readonly string[]): Promise<NoteRow[]> => {
      const { DataSource } = await import('typeorm');
      const ds = new DataSource({ type: 'postgres', url: a.databaseUrl });
      await ds.initialize();
      try {
        return await ds.query<NoteRow[]>(
          'SELECT id, tx_id, block_number::text AS block_number FROM notes WHERE id = ANY($1)',
          [ids],
        );
      } finally {
        await ds.destroy();
      }
    };

    // 1. Before: accepted, committed, projected.
    const before = Array.from({ length: 5 }, (_, i) => uniqueId(`before${i}`));
    const beforeTracking = await post(before);
    const firstItem = await committedItem(a.base, a.key, beforeTracking[0]!);
    for (const t of beforeTracking.slice(1)) await committedItem(a.base, a.key, t);
    await poll('first notes projected', async () => ((await projectedRows(before)).length === 5 ? true : undefined));

    // 2. Transactions endorsed by both malls, then ordered through mall B while mall A's peer is down.
    const during = Array.from({ length: 6 }, (_, i) => uniqueId(`during${i}`));
    let endorsed = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const writes = during.map((id) =>
      b.submit('info:PutNote', [JSON.stringify({ id, text: `t-${id}` })], {
        beforeSend: async () => {
          endorsed++;
          await gate;
        },
      }),
    );
    await poll('all endorsed', () => Promise.resolve(endorsed === during.length ? true : undefined), 60_000, 50);
    const killedPid = await killNode(net, PEER_A);
    release();
    const duringTx = await Promise.all(writes);

    // 3. Accepted while the peer is down: they wait in the outbox.
    const queued = Array.from({ length: 5 }, (_, i) => uniqueId(`queued${i}`));
    const queuedTracking = await post(queued);
    const pending = await call<{ status: string }>(a.base, a.key, 'GET', `/v1/intake/${queuedTracking[0]!}`);
    expect(pending.body.status).toBe('pending');

    // 4. Restart the peer (network.up starts whatever is not running), then more items.
    await net.up();
    expect(progress.filter((m) => m.startsWith(`started ${PEER_A} `))).toHaveLength(2);
    expect(readFileSync(net.paths.pid(PEER_A), 'utf8').trim()).not.toBe(String(killedPid));
    const after = Array.from({ length: 5 }, (_, i) => uniqueId(`after${i}`));
    const afterTracking = await post(after);
    const items = await Promise.all(
      [...beforeTracking, ...queuedTracking, ...afterTracking].map((t) => committedItem(a.base, a.key, t, 180_000)),
    );

    const all = [...before, ...during, ...queued, ...after];
    const rows = await poll(
      'every note projected',
      async () => {
        const r = await projectedRows(all);
        return r.length === all.length ? r : undefined;
      },
      180_000,
      250,
    );

    // Exactly one put per note on the ledger, and it is the transaction the read model holds.
    const puts = notePuts(await eventsSince(b, BigInt(firstItem.blockNumber!), uniqueId('fence')), all);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of all) {
      const txs = puts.get(id) ?? [];
      expect({ id, puts: txs.length }).toEqual({ id, puts: 1 });
      expect({ id, tx: byId.get(id)?.tx_id }).toEqual({ id, tx: txs[0] });
    }
    expect(new Set(duringTx.map((t) => t.txId))).toEqual(new Set(during.map((id) => byId.get(id)?.tx_id)));
    expect(new Set(items.map((i) => i.txId))).toEqual(
      new Set([...before, ...queued, ...after].map((id) => byId.get(id)?.tx_id)),
    );

    // The event log holds each ledger transaction once; a replay from block 0 gives the same read model.
    const { DataSource } = await import('typeorm');
    const ds = new DataSource({ type: 'postgres', url: a.databaseUrl });
    await ds.initialize();
    const doubled = await ds.query<unknown[]>(
      `SELECT tx_id FROM events WHERE type = 'ledger.changes' GROUP BY tx_id HAVING count(*) > 1`,
    );
    await ds.destroy();
    expect(doubled).toEqual([]);
    const rebuild = await call<{ equal: boolean; eventsReplayed: number }>(
      a.base,
      a.key,
      'POST',
      '/v1/admin/projection/rebuild',
      {},
    );
    expect(rebuild.status).toBeLessThan(300);
    expect(rebuild.body.equal).toBe(true);
    expect(rebuild.body.eventsReplayed).toBeGreaterThanOrEqual(all.length);
  }, 600_000);
});
