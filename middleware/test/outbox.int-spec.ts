import { randomUUID } from 'node:crypto';
import { ChaincodeRejectedError, LedgerTimeoutError } from '../src/ledger/ledger.port';
import { IntakeService } from '../src/intake/intake.service';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('outbox batcher', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp(
      { BATCH_SIZE: '10', BATCH_WAIT_MS: '30', BATCH_BACKOFF_MS: '10', BATCH_MAX_BACKOFF_MS: '20' },
      new FakeLedger(),
    );
    admin = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(() => t.close());

  const post = async (id: string, text = 'x'): Promise<string> => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': admin },
      payload: { id, text },
    });
    return r.json<{ trackingId: string }>().trackingId;
  };
  const status = (
    id: string,
  ): Promise<{ status: string; errorCode: string | null; lastError: string | null; attempts: number }> =>
    t.app.inject({ url: `/v1/intake/${id}`, headers: { 'x-api-key': admin } }).then((r) => r.json());
  const settled = (id: string): ReturnType<typeof status> =>
    eventually(async () => {
      const s = await status(id);
      return s.status === 'pending' ? undefined : s;
    });

  it('commits a burst in batches, each item exactly once, and empties the outbox', async () => {
    const ids = await Promise.all(Array.from({ length: 35 }, (_, i) => post(`burst-${i}`)));
    for (const id of ids) expect((await settled(id)).status).toBe('committed');
    const submitted = t.ledger.txs.filter((x) => x.args[0]?.includes('burst-'));
    expect(submitted).toHaveLength(35);
    expect(new Set(submitted.map((x) => x.args[0])).size).toBe(35);
    expect(await t.db.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 0 }]);
  });

  it('moves a chaincode rejection to the dead-letter state with its code and reason, without retrying', async () => {
    let calls = 0;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (args[0]?.includes('rejected-1')) {
        calls++;
        return Promise.reject(new ChaincodeRejectedError('NOTE_REFUSED', 'the chaincode said no'));
      }
      return Promise.resolve();
    };
    const s = await settled(await post('rejected-1'));
    expect(s).toMatchObject({
      status: 'dead',
      errorCode: 'NOTE_REFUSED',
      lastError: 'the chaincode said no',
      attempts: 1,
    });
    expect(calls).toBe(1);
    const events = await t.db.query<
      {
        data: { naturalKey: string };
      }[]
    >(`SELECT data FROM events WHERE type = 'intake.dead'`);
    expect(events.map((e) => e.data.naturalKey)).toContain('rejected-1');
    t.ledger.beforeSubmit = undefined;
  });

  it('retries transient failures with back-off and commits once the ledger recovers', async () => {
    let failures = 2;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (args[0]?.includes('flaky-1') && failures-- > 0)
        return Promise.reject(new LedgerTimeoutError('commitStatus', 'deadline passed'));
      return Promise.resolve();
    };
    const s = await settled(await post('flaky-1'));
    expect(s).toMatchObject({ status: 'committed', attempts: 3 });
    expect(t.ledger.txs.filter((x) => x.args[0]?.includes('flaky-1'))).toHaveLength(1);
    t.ledger.beforeSubmit = undefined;
  });

  it('never gives up on transient failures (BATCH_MAX_ATTEMPTS is gone): the item stays pending and is retried', async () => {
    let failures = 0;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (!args[0]?.includes('down-1')) return Promise.resolve();
      failures++;
      return Promise.reject(new LedgerTimeoutError('endorse', 'peer unreachable'));
    };
    const id = await post('down-1');
    await eventually(() => Promise.resolve(failures >= 25 ? true : undefined), 20_000);
    const s = await status(id);
    expect(s.status).toBe('pending');
    expect(s.errorCode).toBeNull();
    expect(s.lastError).toBe('LedgerTimeoutError: peer unreachable');
    expect(s.attempts).toBeGreaterThanOrEqual(20);
    t.ledger.beforeSubmit = undefined;
    expect((await settled(id)).status).toBe('committed');
  });

  it('does not claim a partial batch before the wait has passed', async () => {
    const intake = t.app.get(IntakeService);
    await intake.batcher.stop();
    try {
      await post('wait-1');
      const early = await intake.store.claim(10, 60_000, 1000, randomUUID());
      expect(early.items).toHaveLength(0);
      expect(early.waitMs).toBeGreaterThan(50_000);
      const now = await intake.store.claim(10, 0, 1000, randomUUID());
      expect(now.items.map((i) => i.naturalKey)).toEqual(['wait-1']);
      // Claimed under a lease: a second batcher finds nothing until the lease expires.
      expect((await intake.store.claim(10, 0, 1000, randomUUID())).items).toHaveLength(0);
    } finally {
      intake.batcher.start();
    }
  });

  it('a committed or dead settle that did not update the item (not pending) leaves its outbox row', async () => {
    const intake = t.app.get(IntakeService);
    await intake.batcher.stop();
    try {
      await post('own-1');
      await post('own-2');
      const { items } = await intake.store.claim(10, 0, 60_000, randomUUID());
      const [a, b] = ['own-1', 'own-2'].map((k) => items.find((i) => i.naturalKey === k));
      if (a === undefined || b === undefined) throw new Error('not claimed');
      // Both items left 'pending' behind the holder's back (whatever moved them, the holder still has the token).
      await t.db.query(`UPDATE intake_items SET status = 'committed' WHERE natural_key IN ('own-1', 'own-2')`);
      const applied = await intake.store.settle(
        [
          { kind: 'committed', item: a, txId: 'f'.repeat(64), blockNumber: 1n },
          { kind: 'dead', item: b, code: 'NOTE_REFUSED', reason: 'no' },
        ],
        60_000,
      );
      expect(applied).toEqual([false, false]);
      const rows: unknown = await t.db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE tracking_id = ANY($1::uuid[])`,
        [[a.trackingId, b.trackingId]],
      );
      expect(rows).toEqual([{ n: 2 }]);
      await t.db.query(`DELETE FROM outbox WHERE tracking_id = ANY($1::uuid[])`, [[a.trackingId, b.trackingId]]);
    } finally {
      intake.batcher.start();
    }
  });
});
