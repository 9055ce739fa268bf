/**
 * A claim and another transaction that holds a key's head row: a stale holder renewing or backing off an item whose
 * lease ran out, or an operator's requeue. The head looks ready in the claim's snapshot but its row is locked, so
 * the claim skips it (SKIP LOCKED); the rows behind it in its key must then be left too, or they would be sent
 * before their head.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IntakeService } from '../../src/intake/intake.service';
import type { IntakeRequest } from '../../src/intake/intake.types';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const note = (id: string, orderingKey?: string): IntakeRequest => ({
  kind: 'note',
  naturalKey: id,
  payload: { id, text: 'x' },
  fn: 'info:PutNote',
  args: [JSON.stringify({ id, text: 'x' })],
  ...(orderingKey ? { orderingKey } : {}),
});

describe('a claim beside a transaction that holds a key head', () => {
  let t: TestApp;
  let intake: IntakeService;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' }, new FakeLedger());
    intake = t.app.get(IntakeService);
  });
  afterAll(() => t.close());

  /** Items h1 h2 h3 of one key and an unkeyed u, all claimed under `old` with a lease that has run out. */
  async function expired(): Promise<{ ids: string[]; old: string }> {
    const key = `k-${randomUUID()}`;
    const acks = await intake.acceptMany([note(`h1-${key}`, key), note(`h2-${key}`, key), note(`h3-${key}`, key)]);
    const ids = acks.map((a) => (a.ok ? a.ack.trackingId : ''));
    const old = randomUUID();
    const first = await intake.store.claim(100, 0, 1, old, 100);
    expect(first.items.map((i) => i.trackingId)).toEqual(expect.arrayContaining(ids));
    await sleep(30);
    return { ids, old };
  }

  const mine = async (ids: string[]): Promise<string[]> =>
    (await intake.store.claim(100, 0, 60_000, randomUUID(), 100)).items
      .filter((i) => ids.includes(i.trackingId))
      .map((i) => i.naturalKey.slice(0, 2));

  it.each([
    ['renews the head (RENEW)', `UPDATE outbox SET claimed_until = now() + interval '1 minute' WHERE tracking_id = $1`],
    [
      'backs the head off',
      `UPDATE outbox SET claimed_until = NULL, claimed_by = NULL, available_at = now() + interval '1 minute' WHERE tracking_id = $1`,
    ],
  ])(
    'while the stale holder %s, the claim takes nothing of that key; after it commits, still nothing',
    async (_, sql) => {
      const { ids } = await expired();
      const qr = t.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        await qr.query(sql, [ids[0]]);
        expect(await mine(ids)).toEqual([]);
        await qr.commitTransaction();
      } finally {
        await qr.release();
      }
      // The head is held again (renewed) or waits (backed off): the rows behind it wait with it.
      expect(await mine(ids)).toEqual([]);
    },
  );

  it('a lock on the second row leaves the head claimable alone; the third waits', async () => {
    const { ids } = await expired();
    const qr = t.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await qr.query(`SELECT 1 FROM outbox WHERE tracking_id = $1 FOR UPDATE`, [ids[1]]);
      expect(await mine(ids)).toEqual(['h1']);
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
  });

  it('with no lock held the whole run is claimed, in order', async () => {
    const { ids } = await expired();
    expect(await mine(ids)).toEqual(['h1', 'h2', 'h3']);
  });
});
