/**
 * Consecutive items of one ordering key in one claim (real Postgres, fake ledger with the devices contract's rules):
 * one device's queued attestations share one `devices:SubmitAttestations` call in seq order; gaps pass, a seq out of
 * order is dead alone; a refused middle item holds the device's later ones back (unsent) until it is requeued; two
 * claims never split a key; a batcher that died between claim and settle (before or after sending) leaves each
 * attestation committed exactly once.
 */
import { randomUUID } from 'node:crypto';
import { generateDeviceKey, type DeviceKey } from '../../src/devices/device-key';
import { IntakeAdminService } from '../../src/intake/intake-admin.service';
import { IntakeService } from '../../src/intake/intake.service';
import type { IntakeRequest } from '../../src/intake/intake.types';
import { ATTESTATION_CODEC, type DeviceStatement } from '../../src/ledger/domain/device.ledger';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { attestation, FN } from './attestation-request';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('one ordering key, many items in one claim', () => {
  let t: TestApp;
  let intake: IntakeService;
  const devices = new FakeDevices();
  /** Seqs (`did#seq`) the chaincode refuses, whichever call carries them. */
  const refused = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp(
      { BATCH_WAIT_MS: '5', BATCH_BACKOFF_MS: '5', BATCH_MAX_BACKOFF_MS: '50', BATCH_SIZE: '100' },
      new FakeLedger({ contracts: [devices] }),
    );
    intake = t.app.get(IntakeService);
    t.ledger.beforeSubmit = (fn, args) => {
      if (fn !== FN) return Promise.resolve();
      const list = (JSON.parse(args[0] ?? '{}') as { attestations: { statement: DeviceStatement }[] }).attestations;
      const bad = list.find((a) => refused.has(`${a.statement.deviceDid}#${a.statement.seq}`));
      return bad
        ? Promise.reject(
            new ChaincodeRejectedError('DEVICE_SEQ', `${bad.statement.deviceDid} seq ${bad.statement.seq}`),
          )
        : Promise.resolve();
    };
  });
  afterAll(() => t.close());

  const device = (): DeviceKey => {
    const k = generateDeviceKey();
    devices.register(k.did, k.publicKeyJwk);
    return k;
  };
  const statusOf = async (trackingId: string): Promise<string> => (await intake.status(trackingId, 'MallAMSP')).status;
  const settled = (trackingId: string, status: string): Promise<true> =>
    eventually(async () => ((await statusOf(trackingId)) === status ? true : undefined));
  /** Each committed SubmitAttestations of `did`, as its list of seqs. */
  const calls = (did: string): number[][] =>
    t.ledger.txs
      .filter((x) => x.fn === FN)
      .map((x) => (JSON.parse(x.args[0] ?? '{}') as { attestations: { statement: DeviceStatement }[] }).attestations)
      .map((list) => list.filter((a) => a.statement.deviceDid === did).map((a) => a.statement.seq))
      .filter((seqs) => seqs.length > 0);
  /** Accepts with the batcher stopped, so that the items are all queued when it claims. */
  const queued = async (reqs: IntakeRequest[]): Promise<string[]> => {
    await intake.batcher.stop();
    try {
      const acks = await intake.acceptMany(reqs);
      return acks.map((a) => (a.ok ? a.ack.trackingId : ''));
    } finally {
      intake.batcher.start();
    }
  };

  it('carries 40 queued attestations of one device (with gaps in seq) as one SubmitAttestations call, in seq order', async () => {
    const d = device();
    const seqs = Array.from({ length: 40 }, (_, i) => 1 + i * 3);
    const ids = await queued(seqs.map((s) => attestation(d, s)));
    for (const id of ids) await settled(id, 'committed');
    expect(calls(d.did)).toEqual([seqs]);
    expect(devices.devices.get(d.did)?.lastSeq).toBe(118);
  });

  it('with BATCH_KEY_RUN_MAX=1 semantics (store.claim default) a claim takes only the head of a key', async () => {
    const d = device();
    await intake.batcher.stop();
    try {
      await intake.acceptMany([1, 2, 3].map((s) => attestation(d, s)));
      const one = await intake.store.claim(100, 0, 60_000, randomUUID());
      expect(one.items.filter((i) => i.orderingKey === d.did).map((i) => i.naturalKey)).toEqual([`${d.did}#1`]);
      // The head is claimed: nothing of the key is ready now, whatever the run length.
      const none = await intake.store.claim(100, 0, 60_000, randomUUID(), 100);
      expect(none.items.filter((i) => i.orderingKey === d.did)).toEqual([]);
      await t.db.query(`UPDATE outbox SET claimed_until = NULL, claimed_by = NULL WHERE ordering_key = $1`, [d.did]);
    } finally {
      intake.batcher.start();
    }
    const ids = (await t.db.query<{ tracking_id: string }[]>(
      `SELECT tracking_id FROM intake_items WHERE ordering_key = $1`,
      [d.did],
    )) as { tracking_id: string }[];
    for (const r of ids) await settled(r.tracking_id, 'committed');
    expect(calls(d.did).flat()).toEqual([1, 2, 3]);
  });

  it('a seq queued out of order is dead alone (DEVICE_SEQ); those before it commit, and so do other devices', async () => {
    const d = device();
    const other = device();
    const ids = await queued([
      attestation(d, 1),
      attestation(other, 1),
      attestation(d, 5),
      attestation(d, 4),
      attestation(other, 2),
    ]);
    await settled(ids[3] ?? '', 'dead');
    for (const i of [0, 1, 2, 4]) await settled(ids[i] ?? '', 'committed');
    expect((await intake.status(ids[3] ?? '', 'MallAMSP')).errorCode).toBe('DEVICE_SEQ');
    expect(calls(d.did).flat()).toEqual([1, 5]);
    expect(calls(other.did).flat()).toEqual([1, 2]);
  });

  it('a refused middle attestation holds the later ones back unsent; requeued, they all commit in order', async () => {
    const d = device();
    refused.add(`${d.did}#3`);
    const ids = await queued([1, 2, 3, 4, 5, 6].map((s) => attestation(d, s)));
    await settled(ids[2] ?? '', 'dead');
    await settled(ids[1] ?? '', 'committed');
    await new Promise((r) => setTimeout(r, 300));
    for (const id of ids.slice(3)) expect(await statusOf(id)).toBe('pending');
    expect(calls(d.did).flat()).toEqual([1, 2]);
    const [held] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE ordering_key = $1 AND status = 'pending' AND tx_id IS NULL`,
      [d.did],
    );
    expect(held?.n).toBe(3);

    refused.delete(`${d.did}#3`);
    await t.app.get(IntakeAdminService).requeue(ids[2] ?? '', 'test');
    for (const id of ids) await settled(id, 'committed');
    expect(calls(d.did).flat()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('two claims at once never split a key: each key is in one claim only, as a run from its head', async () => {
    const keys = Array.from({ length: 8 }, () => device());
    await intake.batcher.stop();
    try {
      await intake.acceptMany(keys.flatMap((k) => [1, 2, 3, 4, 5].map((s) => attestation(k, s))));
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => intake.store.claim(7, 0, 60_000, randomUUID(), 100)),
      );
      const owner = new Map<string, number>();
      claims.forEach((c, n) => {
        for (const i of c.items) {
          if (i.orderingKey === null) continue;
          expect(owner.get(i.orderingKey) ?? n).toBe(n);
          owner.set(i.orderingKey, n);
        }
        // Within a claim, each key's items are consecutive from seq 1.
        for (const k of new Set(c.items.map((i) => i.orderingKey))) {
          const seqs = c.items.filter((i) => i.orderingKey === k).map((i) => Number(i.naturalKey.split('#')[1]));
          expect(seqs).toEqual(seqs.map((_, j) => j + 1));
        }
      });
      expect(claims.reduce((n, c) => n + c.items.length, 0)).toBeGreaterThan(0);
      await t.db.query(`UPDATE outbox SET claimed_until = NULL, claimed_by = NULL`);
    } finally {
      intake.batcher.start();
    }
    for (const k of keys) {
      await eventually(() => Promise.resolve(calls(k.did).flat().length === 5 ? true : undefined));
      expect(calls(k.did).flat()).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('a batcher killed after claiming (lease runs out) or after sending (answer lost): each commits exactly once', async () => {
    const unsent = device();
    const sent = device();
    await intake.batcher.stop();
    let sentTx = '';
    try {
      const a = await intake.acceptMany([1, 2, 3].map((s) => attestation(unsent, s)));
      const b = await intake.acceptMany([1, 2, 3].map((s) => attestation(sent, s)));
      expect([...a, ...b].every((x) => x.ok)).toBe(true);
      const token = randomUUID();
      const { items } = await intake.store.claim(100, 0, 300, token, 100);
      const ofSent = items.filter((i) => i.orderingKey === sent.did);
      expect(items.filter((i) => i.orderingKey === unsent.did)).toHaveLength(3);
      expect(ofSent).toHaveLength(3);
      // The dead batcher sent did `sent`'s three as one call (recorded first) and died before settling.
      const call = ATTESTATION_CODEC.encode(ofSent.map((i) => i.args));
      const r = await t.ledger.submit(call.fn, call.args, {
        beforeSend: async (tx) => {
          const list = ofSent.map((i) => ({ trackingId: i.trackingId, token, txId: tx.txId, envelope: null }));
          expect(await intake.store.recordSentAll(list)).toBe(true);
        },
      });
      sentTx = r.txId;
      await new Promise((res) => setTimeout(res, 400)); // the lease runs out
    } finally {
      intake.batcher.start();
    }
    const rows = async (did: string): Promise<{ status: string; tx_id: string }[]> =>
      t.db.query(`SELECT status, tx_id FROM intake_items WHERE ordering_key = $1 ORDER BY queue_seq`, [did]);
    await eventually(async () => ((await rows(unsent.did)).every((x) => x.status === 'committed') ? true : undefined));
    await eventually(async () => ((await rows(sent.did)).every((x) => x.status === 'committed') ? true : undefined));
    expect((await rows(sent.did)).map((x) => x.tx_id)).toEqual([sentTx, sentTx, sentTx]);
    expect(calls(sent.did)).toEqual([[1, 2, 3]]);
    expect(calls(unsent.did)).toEqual([[1, 2, 3]]);
  });
});
