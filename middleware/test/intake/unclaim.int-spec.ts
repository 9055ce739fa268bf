/**
 * Claimed rows given back unsent (a claim sized for full calls that got more calls than free slots): only by the
 * claim that holds them, and then claimable at once, in their order, with no attempt spent.
 */
import { randomUUID } from 'node:crypto';
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

describe('OutboxStore.unclaim', () => {
  let t: TestApp;
  let intake: IntakeService;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' }, new FakeLedger());
    intake = t.app.get(IntakeService);
  });
  afterAll(() => t.close());

  const holders = (ids: readonly string[]): Promise<{ claimed_by: string | null; attempts: number }[]> =>
    t.db.query(
      `SELECT o.claimed_by, i.attempts FROM outbox o JOIN intake_items i USING (tracking_id)
        WHERE o.tracking_id = ANY($1::uuid[]) ORDER BY o.id`,
      [ids],
    );

  it('gives rows back only under the token that holds them; they are then claimable at once, in key order', async () => {
    const key = `k-${randomUUID()}`;
    const acks = await intake.acceptMany([note(`u1-${key}`, key), note(`u2-${key}`, key), note(`u3-${key}`)]);
    const ids = acks.map((a) => (a.ok ? a.ack.trackingId : ''));
    const a = randomUUID();
    const first = await intake.store.claim(100, 0, 60_000, a, 100);
    expect(first.items.map((i) => i.trackingId)).toEqual(expect.arrayContaining(ids));

    // Another token (a stale holder, or one that lost the rows to a take-over) changes nothing.
    await intake.store.unclaim(ids, randomUUID());
    expect((await holders(ids)).map((r) => r.claimed_by)).toEqual([a, a, a]);
    // While held, nothing of them is ready for another claim.
    const meanwhile = await intake.store.claim(100, 0, 60_000, randomUUID(), 100);
    expect(meanwhile.items.filter((i) => ids.includes(i.trackingId))).toEqual([]);

    await intake.store.unclaim(ids, a);
    expect(await holders(ids)).toEqual([
      { claimed_by: null, attempts: 0 },
      { claimed_by: null, attempts: 0 },
      { claimed_by: null, attempts: 0 },
    ]);
    const again = await intake.store.claim(100, 0, 60_000, randomUUID(), 100);
    expect(again.items.filter((i) => ids.includes(i.trackingId)).map((i) => i.naturalKey)).toEqual([
      `u1-${key}`,
      `u2-${key}`,
      `u3-${key}`,
    ]);
  });
});
