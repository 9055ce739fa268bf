/**
 * Per-key ordering without holes (real Postgres, fake ledger): a dependency on a predecessor that has not arrived
 * yet, a dead predecessor that holds its successors back, a requeued item that keeps its place, stalled reports for
 * items that wait without ever being claimed, and a dead-item recheck that pages through all of them.
 */
import { IntakeAdminService } from '../../src/intake/intake-admin.service';
import { IntakeService } from '../../src/intake/intake.service';
import type { IntakeRequest } from '../../src/intake/intake.types';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const idOf = (args: readonly string[]): string => (JSON.parse(args[0] ?? '{}') as { id: string }).id;
const note = (id: string, extra: Partial<IntakeRequest> = {}): IntakeRequest => ({
  kind: 'note',
  naturalKey: id,
  payload: { id, text: 'x' },
  fn: 'info:PutNote',
  args: [JSON.stringify({ id, text: 'x' })],
  ...extra,
});

describe('per-key ordering holes', () => {
  let t: TestApp;
  let intake: IntakeService;
  const refused = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp(
      { BATCH_WAIT_MS: '5', BATCH_BACKOFF_MS: '5', BATCH_MAX_BACKOFF_MS: '20', BATCH_SIZE: '10' },
      new FakeLedger(),
    );
    intake = t.app.get(IntakeService);
    t.ledger.beforeSubmit = (_fn, args) =>
      refused.has(idOf(args))
        ? Promise.reject(new ChaincodeRejectedError('NOTE_REFUSED', `${idOf(args)} refused`))
        : Promise.resolve();
  });
  afterAll(() => t.close());

  const statusOf = async (trackingId: string): Promise<string> => (await intake.status(trackingId, 'MallAMSP')).status;
  const settled = (trackingId: string, status: string): Promise<true> =>
    eventually(async () => ((await statusOf(trackingId)) === status ? true : undefined));
  const sent = (): string[] => t.ledger.txs.map((x) => idOf(x.args));
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it('an item that depends on a predecessor not arrived yet is accepted, waits, and commits after it', async () => {
    const ret = await intake.accept(note('dep-return', { after: { kind: 'note', naturalKey: 'dep-sale' } }));
    expect(ret).toMatchObject({ outcome: 'accepted', status: 'pending' });
    await pause(300);
    expect(await statusOf(ret.trackingId)).toBe('pending');
    expect(sent()).not.toContain('dep-return');
    const sale = await intake.accept(note('dep-sale'));
    await settled(ret.trackingId, 'committed');
    expect(await statusOf(sale.trackingId)).toBe('committed');
    expect(sent().filter((id) => id.startsWith('dep-'))).toEqual(['dep-sale', 'dep-return']);
  });

  it('a dead predecessor holds its successors back; requeued it keeps its place, commits first, and they go on', async () => {
    refused.add('dead-1');
    const first = await intake.accept(note('dead-1', { orderingKey: 'k-dead' }));
    await settled(first.trackingId, 'dead');
    const second = await intake.accept(note('dead-2', { orderingKey: 'k-dead' }));
    const third = await intake.accept(note('dead-3', { orderingKey: 'k-dead' }));
    const dependent = await intake.accept(note('dead-dep', { after: { kind: 'note', naturalKey: 'dead-1' } }));
    await pause(300);
    for (const x of [second, third, dependent]) expect(await statusOf(x.trackingId)).toBe('pending');
    expect(sent()).not.toContain('dead-2');

    refused.delete('dead-1');
    await t.app.get(IntakeAdminService).requeue(first.trackingId, 'test');
    await settled(third.trackingId, 'committed');
    await settled(dependent.trackingId, 'committed');
    expect(await statusOf(first.trackingId)).toBe('committed');
    const order = sent().filter((id) => ['dead-1', 'dead-2', 'dead-3'].includes(id));
    expect(order).toEqual(['dead-1', 'dead-2', 'dead-3']);
  });

  it('a requeued item takes back its own place in its key order (not a new, higher one)', async () => {
    await intake.batcher.stop();
    try {
      const a = await intake.accept(note('place-a', { orderingKey: 'k-place' }));
      const [before] = await t.db.query<{ id: string }[]>(`SELECT id FROM outbox WHERE tracking_id = $1`, [
        a.trackingId,
      ]);
      // Dead as the batcher would leave it: outbox row gone.
      await t.db.query(`UPDATE intake_items SET status = 'dead', error_code = 'X' WHERE tracking_id = $1`, [
        a.trackingId,
      ]);
      await t.db.query(`DELETE FROM outbox WHERE tracking_id = $1`, [a.trackingId]);
      const b = await intake.accept(note('place-b', { orderingKey: 'k-place' }));
      await t.app.get(IntakeAdminService).requeue(a.trackingId, 'test');
      const rows = await t.db.query<{ tracking_id: string; id: string }[]>(
        `SELECT tracking_id, id FROM outbox WHERE ordering_key = 'k-place' ORDER BY id`,
      );
      expect(rows.map((r) => r.tracking_id)).toEqual([a.trackingId, b.trackingId]);
      expect(rows[0]?.id).toBe(before?.id);
    } finally {
      intake.batcher.start();
    }
  });

  it('items waiting on their key or a dependency past the stall threshold are reported stalled once each', async () => {
    await intake.batcher.stop();
    try {
      const waiting = await intake.accept(note('stall-dep', { after: { kind: 'note', naturalKey: 'stall-never' } }));
      await t.db.query(`UPDATE intake_items SET created_at = now() - interval '1 hour' WHERE tracking_id = $1`, [
        waiting.trackingId,
      ]);
      expect(await intake.batcher.sweepStalled()).toBe(1);
      expect(await intake.batcher.sweepStalled()).toBe(0);
      const events = await t.db.query<{ data: { trackingId: string; after?: unknown } }[]>(
        `SELECT data FROM events WHERE type = 'intake.stalled' AND data->>'trackingId' = $1`,
        [waiting.trackingId],
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.data.after).toEqual({ kind: 'note', naturalKey: 'stall-never' });
      expect((await intake.store.stalled(300_000)).count).toBeGreaterThanOrEqual(1);
      await t.db.query(`DELETE FROM intake_items WHERE tracking_id = $1`, [waiting.trackingId]);
    } finally {
      intake.batcher.start();
    }
  });

  it('recheckDead pages through every dead item with a recorded transaction (150, not only the first 100)', async () => {
    const acks = await intake.acceptMany(Array.from({ length: 150 }, (_, i) => note(`recheck-${i}`)));
    const ids = acks.map((a) => (a.ok ? a.ack.trackingId : ''));
    for (const id of ids) await settled(id, 'committed');
    await intake.batcher.stop();
    try {
      // Marked dead although committed (a lost answer, then a refusal): a later look-up must correct every one.
      await t.db.query(
        `UPDATE intake_items SET status = 'dead', error_code = 'X', updated_at = now() - interval '2 days'
         WHERE tracking_id = ANY($1::uuid[])`,
        [ids],
      );
      expect(await intake.batcher.recheckDead()).toBe(150);
      const [left] = await t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM intake_items WHERE tracking_id = ANY($1::uuid[]) AND status <> 'committed'`,
        [ids],
      );
      expect(left?.n).toBe(0);
    } finally {
      intake.batcher.start();
    }
  });
});
