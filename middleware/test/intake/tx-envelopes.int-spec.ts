/**
 * A transaction's signed envelope is kept once, however many items it carries (real Postgres, fake ledger with the
 * devices contract's rules): recorded with the items' tx ID before sending, read back by a batcher that takes the
 * items over, and gone once no pending item names it. An item recorded by an older version, with the envelope on
 * its own row, is still sent again as the very same transaction.
 */
import { generateDeviceKey, type DeviceKey } from '../../src/devices/device-key';
import { IntakeService } from '../../src/intake/intake.service';
import { LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { attestation, FN } from './attestation-request';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

interface Row {
  tracking_id: string;
  status: string;
  tx_id: string | null;
  own: boolean;
}

describe('signed envelopes, once per transaction', () => {
  let t: TestApp;
  let intake: IntakeService;
  const devices = new FakeDevices();

  beforeAll(async () => {
    t = await startTestApp(
      { BATCH_WAIT_MS: '5', BATCH_BACKOFF_MS: '5', BATCH_MAX_BACKOFF_MS: '50', WORKERS_ENABLED: 'false' },
      new FakeLedger({ contracts: [devices] }),
    );
    intake = t.app.get(IntakeService);
    t.ledger.envelopes = true;
  });
  afterAll(() => t.close());

  const device = (): DeviceKey => {
    const k = generateDeviceKey();
    devices.register(k.did, k.publicKeyJwk);
    return k;
  };
  const rows = (ids: readonly string[]): Promise<Row[]> =>
    t.db.query<Row[]>(
      `SELECT tracking_id, status, tx_id, tx_envelope IS NOT NULL AS own FROM intake_items
        WHERE tracking_id = ANY($1::uuid[]) ORDER BY natural_key`,
      [ids],
    );
  const envelopes = (txIds: readonly (string | null)[]): Promise<{ tx_id: string; bytes: number }[]> =>
    t.db.query(`SELECT tx_id, length(envelope) AS bytes FROM intake_tx_envelopes WHERE tx_id = ANY($1::text[])`, [
      txIds,
    ]);
  /** What a dead batcher leaves: the items still pending, their claims expired. */
  const crashed = (ids: readonly string[]): Promise<unknown> =>
    t.db.query(`UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE tracking_id = ANY($1::uuid[])`, [
      ids,
    ]);
  /** Sent with the orderer unreachable: recorded (tx ID and envelope), not ordered, still pending. */
  const sentNotOrdered = async (ids: readonly string[]): Promise<void> => {
    t.ledger.beforeOrder = () => Promise.reject(new LedgerTimeoutError('submit', 'orderer unreachable'));
    try {
      // A claim waits BATCH_WAIT_MS for a batch to fill: tick until the items went out.
      await eventually(async () => {
        await intake.batcher.tick();
        return (await rows(ids)).every((r) => r.tx_id !== null) ? true : undefined;
      });
    } finally {
      t.ledger.beforeOrder = undefined;
    }
  };
  const drain = (ids: readonly string[]): Promise<true> =>
    eventually(async () => {
      await intake.batcher.tick();
      return (await rows(ids)).every((r) => r.status === 'committed') ? true : undefined;
    });

  it('a batch call of 30 items keeps one envelope; a take-over sends that very transaction; then it is gone', async () => {
    const d = device();
    const ids = (await intake.acceptMany(Array.from({ length: 30 }, (_, i) => attestation(d, i + 1)))).map((a) =>
      a.ok ? a.ack.trackingId : '',
    );
    await sentNotOrdered(ids);
    const recorded = await rows(ids);
    const txIds = [...new Set(recorded.map((r) => r.tx_id))];
    expect(txIds).toHaveLength(1);
    expect(txIds[0]).not.toBeNull();
    expect(recorded.every((r) => r.status === 'pending' && !r.own)).toBe(true);
    const kept = await envelopes(txIds);
    expect(kept).toEqual([{ tx_id: txIds[0], bytes: Buffer.byteLength(String(txIds[0])) }]);
    expect(t.ledger.txs.filter((x) => x.fn === FN)).toHaveLength(0);

    await crashed(ids);
    await drain(ids);
    const after = await rows(ids);
    // The very transaction the first batcher signed, not a new one; and the envelope is deleted with the last item.
    expect(new Set(after.map((r) => r.tx_id))).toEqual(new Set(txIds));
    expect(t.ledger.txs.filter((x) => x.fn === FN).map((x) => x.txId)).toEqual(txIds);
    expect(await envelopes(txIds)).toEqual([]);
  });

  it('an item recorded by an older version (envelope on its own row) is sent again as that same transaction', async () => {
    const d = device();
    const [ack] = await intake.acceptMany([attestation(d, 1)]);
    const id = ack?.ok ? ack.ack.trackingId : '';
    await sentNotOrdered([id]);
    const [before] = await rows([id]);
    // As the older version left it: the envelope on the item, none in the table.
    await t.db.query(
      `UPDATE intake_items i SET tx_envelope = e.envelope FROM intake_tx_envelopes e WHERE e.tx_id = i.tx_id AND i.tracking_id = $1`,
      [id],
    );
    await t.db.query(`DELETE FROM intake_tx_envelopes WHERE tx_id = $1`, [before?.tx_id]);
    expect(await rows([id])).toEqual([expect.objectContaining({ status: 'pending', own: true })]);
    await crashed([id]);
    await drain([id]);
    expect(await rows([id])).toEqual([
      expect.objectContaining({ status: 'committed', tx_id: before?.tx_id, own: false }),
    ]);
    expect(t.ledger.txs.filter((x) => x.txId === before?.tx_id)).toHaveLength(1);
  });

  it('an envelope no pending item names is swept by the next settle once ten minutes old, never while one does', async () => {
    const d = device();
    const [ack] = await intake.acceptMany([attestation(d, 1)]);
    const id = ack?.ok ? ack.ack.trackingId : '';
    await sentNotOrdered([id]);
    const [pending] = await rows([id]);
    const txId = pending?.tx_id ?? '';
    // Old, and its item pending (held out of the next claims): kept. An old orphan goes with the next settle.
    await t.db.query(`UPDATE outbox SET available_at = now() + interval '1 hour' WHERE tracking_id = $1`, [id]);
    await t.db.query(`UPDATE intake_tx_envelopes SET recorded_at = now() - interval '11 minutes' WHERE tx_id = $1`, [
      txId,
    ]);
    await t.db.query(
      `INSERT INTO intake_tx_envelopes (tx_id, envelope, recorded_at) VALUES ('orphan-tx', '\\x01', now() - interval '11 minutes')`,
    );
    const other = device();
    const [ack2] = await intake.acceptMany([attestation(other, 1)]);
    await drain([ack2?.ok ? ack2.ack.trackingId : '']);
    expect(await envelopes(['orphan-tx'])).toEqual([]);
    expect(await rows([id])).toEqual([expect.objectContaining({ status: 'pending', tx_id: txId })]);
    expect(await envelopes([txId])).toHaveLength(1);
    // Its own settle deletes it.
    await t.db.query(`UPDATE outbox SET available_at = now() WHERE tracking_id = $1`, [id]);
    await drain([id]);
    expect(await rows([id])).toEqual([expect.objectContaining({ status: 'committed', tx_id: txId })]);
    expect(await envelopes([txId])).toEqual([]);
  });
});
