import { FORMER_ADMIN_SCOPES } from '../../src/auth/scopes';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { ChaincodeRejectedError, EndorsementError, LEDGER, LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, initTestApp, startTestApp, testEnv, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

interface Status {
  status: string;
  errorCode: string | null;
  lastError: string | null;
  attempts: number;
  txId: string | null;
}

const FAST = {
  BATCH_SIZE: '10',
  BATCH_WAIT_MS: '5',
  BATCH_BACKOFF_MS: '2',
  BATCH_MAX_BACKOFF_MS: '10',
  BATCH_LEASE_MS: '3000',
  INTAKE_STALLED_AFTER_MS: '300',
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const idOf = (args: readonly string[]): string => (JSON.parse(args[0] ?? '{}') as { id: string }).id;

async function post(app: NestFastifyApplication, key: string, id: string, text = 'x'): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1/notes',
    headers: { 'x-api-key': key },
    payload: { id, text },
  });
  return r.json<{ trackingId: string }>().trackingId;
}

/** The failures of issue 9 (1, 2, 3, 5, 6), each against the real Postgres state machine with the fake ledger. */
describe('intake under faults', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp(FAST, new FakeLedger());
    key = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.ledger.beforeSubmit = undefined;
    t.ledger.afterCommit = undefined;
    t.ledger.statusError = undefined;
    t.ledger.hidden.clear();
  });

  const status = (id: string): Promise<Status> =>
    t.app.inject({ url: `/v1/intake/${id}`, headers: { 'x-api-key': key } }).then((r) => r.json<Status>());
  const settled = (id: string, timeoutMs = 15_000): Promise<Status> =>
    eventually(async () => {
      const s = await status(id);
      return s.status === 'pending' ? undefined : s;
    }, timeoutMs);
  const events = (type: string, naturalKey: string): Promise<{ data: Record<string, unknown> }[]> =>
    t.db.query(`SELECT data FROM events WHERE type = $1 AND data->>'naturalKey' = $2 ORDER BY seq`, [type, naturalKey]);
  const onLedger = (id: string): number => t.ledger.txs.filter((x) => idOf(x.args) === id).length;

  it('failure 1: an outage never dead-letters an item; it stalls visibly and commits once the peers are back', async () => {
    let failures = 0;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (idOf(args) !== 'outage-1') return Promise.resolve();
      failures++;
      return Promise.reject(
        failures % 2 === 0
          ? new EndorsementError('no peer reachable: 14 UNAVAILABLE')
          : new LedgerTimeoutError('endorse', 'endorse deadline passed'),
      );
    };
    const id = await post(t.app, key, 'outage-1');
    // Far more failures than the old BATCH_MAX_ATTEMPTS (20): still pending, never dead.
    await eventually(() => Promise.resolve(failures >= 40 ? true : undefined), 20_000, 10);
    expect((await status(id)).status).toBe('pending');
    await eventually(async () => ((await events('intake.stalled', 'outage-1')).length > 0 ? true : undefined));
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^mallchain_intake_stalled_items [1-9]/m);
    const health = await t.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json<{ info: { intake: Record<string, unknown> } }>().info.intake).toMatchObject({
      status: 'up',
      degraded: true,
    });
    t.ledger.beforeSubmit = undefined;
    expect((await settled(id)).status).toBe('committed');
    expect(onLedger('outage-1')).toBe(1);
    expect(await events('intake.stalled', 'outage-1')).toHaveLength(1);
    expect(await events('intake.dead', 'outage-1')).toHaveLength(0);
    expect(await events('intake.committed', 'outage-1')).toHaveLength(1);
  });

  it('failure 2: a transaction that committed although its answer was lost is recorded committed, not dead', async () => {
    let calls = 0;
    t.ledger.afterCommit = (_fn, args, txId) => {
      if (idOf(args) !== 'lost-1') return undefined;
      calls++;
      // Peers do not show the commit yet; the item's next submit is refused as the chaincode sees the note.
      t.ledger.hidden.add(txId);
      return new LedgerTimeoutError('commitStatus', 'commit status deadline passed; may still commit', { txId });
    };
    t.ledger.beforeSubmit = (_fn, args) => {
      if (idOf(args) !== 'lost-1' || calls === 0) return Promise.resolve();
      // The ledger knows it now: the lookup before the terminal decision must find it.
      t.ledger.hidden.clear();
      return Promise.reject(new ChaincodeRejectedError('NOTE_EXISTS', 'note lost-1 was already written'));
    };
    const id = await post(t.app, key, 'lost-1');
    const s = await settled(id);
    expect(s).toMatchObject({ status: 'committed', errorCode: null });
    expect(onLedger('lost-1')).toBe(1);
    expect(s.txId).toBe(t.ledger.txs.find((x) => idOf(x.args) === 'lost-1')?.txId);
    expect(await events('intake.dead', 'lost-1')).toHaveLength(0);
    expect(await events('intake.committed', 'lost-1')).toHaveLength(1);
  });

  it('failure 2: a dead item later found committed on the ledger becomes committed (one event, dead reason kept)', async () => {
    t.ledger.afterCommit = (_fn, args, txId) => {
      if (idOf(args) !== 'late-1') return undefined;
      t.ledger.hidden.add(txId);
      return new LedgerTimeoutError('commitStatus', 'commit status deadline passed', { txId });
    };
    let second = false;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (idOf(args) !== 'late-1') return Promise.resolve();
      if (!second) {
        second = true;
        return Promise.resolve();
      }
      return Promise.reject(new ChaincodeRejectedError('NOTE_EXISTS', 'note late-1 was already written'));
    };
    const id = await post(t.app, key, 'late-1');
    expect((await settled(id)).status).toBe('dead');
    t.ledger.hidden.clear();
    const s = await eventually(async () => {
      const v = await status(id);
      return v.status === 'committed' ? v : undefined;
    }, 20_000);
    expect(s.txId).toBe(t.ledger.txs.find((x) => idOf(x.args) === 'late-1')?.txId);
    expect(await events('intake.committed', 'late-1')).toHaveLength(1);
    const [committed] = await events('intake.committed', 'late-1');
    expect(committed?.data).toMatchObject({ correctedFrom: 'dead', previousCode: 'NOTE_EXISTS' });
    const [row] = await t.db.query<{ history: { status: string; code?: string }[] }[]>(
      'SELECT history FROM intake_items WHERE tracking_id = $1',
      [id],
    );
    expect(row?.history.map((h) => h.status)).toEqual(['dead', 'committed']);
    expect(row?.history[0]?.code).toBe('NOTE_EXISTS');
  });

  it('failure 6: items of one batch are settled as their own transaction finishes, not when the slowest does', async () => {
    let release: (() => void) | undefined;
    t.ledger.beforeSubmit = (_fn, args) =>
      idOf(args) === 'hol-slow' ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    const slow = await post(t.app, key, 'hol-slow');
    const fast = await Promise.all([1, 2, 3].map((i) => post(t.app, key, `hol-fast-${i}`)));
    for (const f of fast) expect((await settled(f, 5000)).status).toBe('committed');
    expect((await status(slow)).status).toBe('pending');
    await eventually(() => Promise.resolve(release));
    release?.();
    expect((await settled(slow)).status).toBe('committed');
  });
});

/** Failures 3 and 5: two middleware instances on one database and one ledger. */
describe('two instances on one database', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ ...FAST, BATCH_LEASE_MS: '400' }, new FakeLedger());
    const config = loadConfig(testEnv(t.config.databaseUrl, { ...FAST, BATCH_LEASE_MS: '400' }));
    // The same fake ledger for both: what they send lands in one place and is counted there.
    second = await createApp(config, { provide: LEDGER, useValue: t.ledger });
    await initTestApp(second);
    key = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });
  afterEach(() => {
    t.ledger.beforeSubmit = undefined;
    t.ledger.beforeOrder = undefined;
  });

  const onLedger = (id: string): number => t.ledger.txs.filter((x) => idOf(x.args) === id).length;
  const committedEvents = async (naturalKey: string): Promise<number> =>
    (
      await t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM events WHERE type = 'intake.committed' AND data->>'naturalKey' = $1`,
        [naturalKey],
      )
    )[0]?.n ?? -1;
  const row = async (trackingId: string): Promise<{ status: string }> =>
    (
      await t.db.query<{ status: string }[]>('SELECT status FROM intake_items WHERE tracking_id = $1', [trackingId])
    )[0] ?? {
      status: 'missing',
    };

  it('failure 3: a submit that outlives the lease is not sent again by the other instance', async () => {
    // Ordering takes longer than the lease (400 ms) for every transaction of the item.
    t.ledger.beforeOrder = async (_fn, args) => {
      if (idOf(args) === 'slow-lease') await sleep(1500);
    };
    const id = await post(t.app, key, 'slow-lease');
    await eventually(async () => ((await row(id)).status === 'committed' ? true : undefined));
    await sleep(1000);
    expect(onLedger('slow-lease')).toBe(1);
    expect(await committedEvents('slow-lease')).toBe(1);
  });

  it('failure 3/5: a holder whose lease was taken over is refused: it sends nothing, emits nothing', async () => {
    let calls = 0;
    let ordered = false;
    t.ledger.beforeSubmit = async (_fn, args) => {
      if (idOf(args) !== 'stale-1') return;
      calls++;
      if (calls === 1) {
        // The lease runs out while the first holder is still endorsing; the other instance takes the item over.
        await t.db.query(
          `UPDATE outbox SET claimed_until = now() - interval '1 second'
           WHERE tracking_id = (SELECT tracking_id FROM intake_items WHERE natural_key = 'stale-1')`,
        );
        await eventually(() => Promise.resolve(calls >= 2 ? true : undefined), 5000, 5);
      }
    };
    // The first holder's transaction (if it was let through) is still being ordered when the other one commits.
    t.ledger.beforeOrder = async (_fn, args) => {
      if (idOf(args) === 'stale-1' && calls === 2 && !ordered) {
        ordered = true;
        await sleep(800);
      }
    };
    const id = await post(t.app, key, 'stale-1');
    await eventually(async () => ((await row(id)).status === 'committed' ? true : undefined));
    await sleep(1000);
    expect(onLedger('stale-1')).toBe(1);
    expect(await committedEvents('stale-1')).toBe(1);
  });

  it('a burst shared by both instances commits every item exactly once, with one event each', async () => {
    t.ledger.beforeSubmit = () => sleep(Math.random() * 30);
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(i % 2 === 0 ? t.app : second, key, `both-${i}`)),
    );
    for (const id of ids) await eventually(async () => ((await row(id)).status === 'committed' ? true : undefined));
    for (let i = 0; i < 60; i++) expect(onLedger(`both-${i}`)).toBe(1);
    const [n] = await t.db.query<{ n: number; d: number }[]>(
      `SELECT count(*)::int AS n, count(DISTINCT data->>'trackingId')::int AS d FROM events
       WHERE type = 'intake.committed' AND data->>'naturalKey' LIKE 'both-%'`,
    );
    expect(n).toEqual({ n: 60, d: 60 });
  });
});
