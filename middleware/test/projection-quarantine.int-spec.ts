import { Client } from 'pg';
import { MetricsService } from '../src/metrics/metrics.service';
import { ProjectionService } from '../src/projection/projection.service';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';

const put = (ledger: FakeLedger, id: string, text: string): Promise<unknown> =>
  ledger.submit('info:PutNote', [JSON.stringify({ id, text })]);

/** A `mallchain.changes` payload as the chaincode would write it, with these changes. */
const changes = (list: unknown[]): string => JSON.stringify({ changes: list, fn: 'Test', txId: 'x' });
const note = (id: string, text: unknown): unknown => ({
  entity: 'note',
  id: `note/${id}`,
  op: 'put',
  data: { id, text, writtenBy: 'MallAMSP', writtenAt: '2026-01-01T00:00:00.000Z' },
});

interface Parked {
  id: string;
  txId: string;
  blockNumber: string;
  error: string;
  status: string;
  attempts: number;
  payloadBytes: number;
}

describe('projection quarantine (poison events)', () => {
  let t: TestApp;
  let projection: ProjectionService;
  let ops: string;

  beforeAll(async () => {
    t = await startTestApp({ PROJECTION_MAX_EVENT_BYTES: '65536' }, new FakeLedger());
    projection = t.app.get(ProjectionService);
    ops = await t.key(['ops:admin']);
  });
  afterAll(() => t.close());

  const caughtUp = (): Promise<true> =>
    eventually(async () => ((await projection.checkpoint())?.txId === t.ledger.txs.at(-1)!.txId ? true : undefined));
  const text = async (id: string): Promise<string | undefined> =>
    (await t.db.query<{ text: string }[]>(`SELECT text FROM notes WHERE id = $1`, [id]))[0]?.text;
  const parked = async (): Promise<Parked[]> => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/projection/quarantine?status=parked',
      headers: { 'x-api-key': ops },
    });
    expect(res.statusCode).toBe(200);
    return res.json<Parked[]>();
  };
  const post = (url: string, payload: object = {}): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({ method: 'POST', url, headers: { 'x-api-key': ops }, payload });

  it('parks a malformed event, applies the good events of the same batch and moves the checkpoint past it', async () => {
    await projection.stop();
    await put(t.ledger, 'before', 'b');
    const bad = t.ledger.emitRaw('{not json');
    await put(t.ledger, 'after', 'a');
    projection.start();
    await caughtUp();
    expect(await text('before')).toBe('b');
    expect(await text('after')).toBe('a');
    const [p] = await parked();
    expect(p).toMatchObject({ txId: bad.txId, blockNumber: bad.blockNumber.toString(), status: 'parked', attempts: 1 });
    expect(p!.error).toMatch(/not JSON/);
    // The event log holds the marker at the event's place, between the two good events.
    const log = await t.db.query<{ type: string; tx_id: string }[]>(
      `SELECT type, tx_id FROM events WHERE type IN ('ledger.changes', 'projection.quarantined') ORDER BY seq`,
    );
    expect(log.map((r) => r.type)).toEqual(['ledger.changes', 'projection.quarantined', 'ledger.changes']);
    expect(log[1]!.tx_id).toBe(bad.txId);
    expect((await projection.status()).running).toBe(true);
  });

  it('alerts: metric, /health degraded but 200, the status endpoint', async () => {
    const metrics = await t.app
      .get(MetricsService)
      .registry.getSingleMetricAsString('mallchain_projection_quarantined_events');
    expect(metrics).toMatch(/mallchain_projection_quarantined_events 1$/m);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const body = health.json<{ details: { projection: { status: string; degraded: boolean; quarantined: number } } }>();
    expect(body.details.projection).toMatchObject({ status: 'up', degraded: true, quarantined: 1 });
    const status = await t.app.inject({ method: 'GET', url: '/v1/admin/projection', headers: { 'x-api-key': ops } });
    expect(status.json<{ quarantined: number }>().quarantined).toBe(1);
  });

  it('parks every kind of hostile payload one by one and never stops', async () => {
    await projection.stop();
    const deep = `{"changes":[{"data":${'['.repeat(30_000)}${']'.repeat(30_000)},"entity":"blob","id":"deep","op":"put"}],"fn":"T","txId":"x"}`;
    const hostile = [
      'x'.repeat(70_000), // over PROJECTION_MAX_EVENT_BYTES
      deep, // 30,000 levels of nesting
      '[]',
      JSON.stringify({ fn: 7, changes: [] }),
      JSON.stringify({ fn: 'X', changes: 'all' }),
      changes([{ entity: 5, id: 'a', op: 'put', data: {} }]),
      changes([{ entity: 'note', id: 'note/a', op: 'upsert', data: {} }]),
      changes([{ entity: 'note', id: 'note/zz', op: 'put' }]),
      changes([note('typed-wrong', 42)]), // the typed projector throws: text must be a string
      changes([{ ...(note('other', 'x') as object), id: 'note/not-the-same' }]), // data.id does not match the key
      changes([{ entity: 'blob', id: 'nul', op: 'put', data: { s: 'a\u0000b' } }]), // jsonb refuses \u0000 (Postgres error)
    ];
    const bad = hostile.map((p) => t.ledger.emitRaw(p).txId);
    const unknownKind = t.ledger.emitRaw(changes([{ entity: 'gadget', id: 'gadget/1', op: 'put', data: { v: 1 } }]));
    await put(t.ledger, 'survivor', 's');
    projection.start();
    await caughtUp();
    const list = await parked();
    expect(list.map((p) => p.txId).sort()).toEqual([...bad, t.ledger.txs[1]!.txId].sort());
    const errors = new Map(list.map((p) => [p.txId, p.error]));
    expect(errors.get(bad[0]!)).toMatch(/70000 bytes, more than 65536/);
    expect(errors.get(bad[1]!)).toMatch(/stack|depth/i);
    expect(errors.get(bad[2]!)).toMatch(/must be a JSON object/);
    expect(errors.get(bad[3]!)).toMatch(/fn: must be a string/);
    expect(errors.get(bad[5]!)).toMatch(/changes\[0\]\.entity/);
    expect(errors.get(bad[6]!)).toMatch(/op: must be put or delete/);
    expect(errors.get(bad[7]!)).toMatch(/a put needs data/);
    expect(errors.get(bad[8]!)).toMatch(/text must be a string/);
    expect(errors.get(bad[9]!)).toMatch(/does not match the key/);
    expect(errors.get(bad[10]!)).toMatch(/Unicode|\\u0000/);
    expect(list.find((p) => p.txId === bad[0])!.payloadBytes).toBe(70_000);
    // An entity kind without a typed projector is not poison: it lands in ledger_state.
    const gadget = await t.db.query<unknown[]>(`SELECT data, tx_id FROM ledger_state WHERE entity = 'gadget'`);
    expect(gadget).toEqual([{ data: { v: 1 }, tx_id: unknownKind.txId }]);
    expect(await text('survivor')).toBe('s');
  });

  it('parks a change that a table constraint refuses; after the fix the admin re-applies it', async () => {
    await t.db.query<unknown[]>(`ALTER TABLE notes ADD CONSTRAINT notes_text_short CHECK (length(text) < 10)`);
    await projection.stop();
    await put(t.ledger, 'long', 'far too long for the constraint');
    await put(t.ledger, 'short', 'ok');
    projection.start();
    await caughtUp();
    expect(await text('short')).toBe('ok');
    expect(await text('long')).toBeUndefined();
    const long = (await parked()).find((p) => p.txId === t.ledger.txs.at(-2)!.txId)!;
    expect(long.error).toMatch(/notes_text_short/);

    const still = await post(`/v1/admin/projection/quarantine/${long.id}/reapply`);
    expect(still.statusCode).toBe(409);
    expect(still.json<{ message: string }>().message).toMatch(/still fails: .*notes_text_short/);

    await t.db.query<unknown[]>(`ALTER TABLE notes DROP CONSTRAINT notes_text_short`);
    const res = await post(`/v1/admin/projection/quarantine/${long.id}/reapply`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: long.id, status: 'reapplied', appliedChanges: 1, skippedChanges: [] });
    expect(await text('long')).toBe('far too long for the constraint');
    const [row] = await t.db.query<{ status: string; attempts: number }[]>(
      `SELECT status, attempts FROM projection_quarantine WHERE id = $1`,
      [long.id],
    );
    expect(row).toEqual({ status: 'reapplied', attempts: 3 });
    // Subscribers get the change, once; a second re-apply is refused.
    const logged = await t.db.query<unknown[]>(
      `SELECT data->>'reapplied' AS r FROM events WHERE type = 'ledger.changes' AND tx_id = $1`,
      [long.txId],
    );
    expect(logged).toEqual([{ r: long.id }]);
    expect((await post(`/v1/admin/projection/quarantine/${long.id}/reapply`)).statusCode).toBe(409);
  });

  it('a re-applied old event never overwrites a newer state of the same key (same block order included)', async () => {
    await t.db.query<unknown[]>(`ALTER TABLE notes ADD CONSTRAINT notes_no_old CHECK (text <> 'old')`);
    await projection.stop();
    await put(t.ledger, 'k', 'old');
    await put(t.ledger, 'k', 'new');
    await put(t.ledger, 'k2', 'old');
    projection.start();
    await caughtUp();
    await t.db.query<unknown[]>(`ALTER TABLE notes DROP CONSTRAINT notes_no_old`);
    const list = await parked();
    const k = list.find((p) => p.txId === t.ledger.txs.at(-3)!.txId)!;
    const k2 = list.find((p) => p.txId === t.ledger.txs.at(-1)!.txId)!;
    const res = await post(`/v1/admin/projection/quarantine/${k.id}/reapply`);
    expect(res.json()).toMatchObject({
      status: 'reapplied',
      appliedChanges: 0,
      skippedChanges: [{ entity: 'note', id: 'note/k' }],
    });
    expect(await text('k')).toBe('new');
    const [state] = await t.db.query<{ text: string }[]>(
      `SELECT data->>'text' AS text FROM ledger_state WHERE id = 'note/k'`,
    );
    expect(state!.text).toBe('new');
    expect((await post(`/v1/admin/projection/quarantine/${k2.id}/reapply`)).json()).toMatchObject({
      appliedChanges: 1,
    });
    expect(await text('k2')).toBe('old');
  });

  it('a re-apply waits for a projecting transaction in progress (projection lock), then skips the key it made newer', async () => {
    await t.db.query<unknown[]>(`ALTER TABLE notes ADD CONSTRAINT notes_no_stale CHECK (text <> 'stale')`);
    await projection.stop();
    await put(t.ledger, 'rk', 'stale');
    projection.start();
    await caughtUp();
    await t.db.query<unknown[]>(`ALTER TABLE notes DROP CONSTRAINT notes_no_stale`);
    const stale = (await parked()).find((p) => p.txId === t.ledger.txs.at(-1)!.txId)!;
    await projection.stop();
    await put(t.ledger, 'rk', 'fresh');
    // Hold the event-log lock from outside: the live projection, holding the projection lock, waits for it.
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    const waiting = async (key: number): Promise<number> =>
      (
        await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [key],
        )
      ).rows[0]!.n;
    try {
      await holder.query('SELECT pg_advisory_lock(7301)');
      projection.start();
      await eventually(async () => ((await waiting(7301)) === 1 ? true : undefined));
      const reapply = post(`/v1/admin/projection/quarantine/${stale.id}/reapply`);
      // The re-apply waits for the projection lock, not beside the projection for the event-log lock: had it gone
      // ahead, it would have found no newer event of `rk` logged and written the stale text over the fresh one.
      await eventually(async () => ((await waiting(7302)) === 1 ? true : undefined));
      expect(await waiting(7301)).toBe(1);
      await holder.query('SELECT pg_advisory_unlock(7301)');
      const res = await reapply;
      expect(res.json()).toMatchObject({ status: 'reapplied', appliedChanges: 0, skippedChanges: [{ id: 'note/rk' }] });
    } finally {
      await holder.end();
    }
    await caughtUp();
    expect(await text('rk')).toBe('fresh');
  });

  it('discard, unknown, malformed and wrong-scope requests', async () => {
    const [p] = await parked();
    const res = await post(`/v1/admin/projection/quarantine/${p!.id}/discard`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: p!.id, status: 'discarded' });
    expect((await post(`/v1/admin/projection/quarantine/${p!.id}/reapply`)).statusCode).toBe(409);
    expect(
      (await post(`/v1/admin/projection/quarantine/00000000-0000-4000-8000-000000000000/discard`)).statusCode,
    ).toBe(404);
    const badId = await post(`/v1/admin/projection/quarantine/not-a-uuid/reapply`);
    expect(badId.statusCode).toBe(400);
    const badQuery = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/projection/quarantine?status=lost',
      headers: { 'x-api-key': ops },
    });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json<{ message: string }>().message).toMatch(/status/);
    const admin = await t.key(['notes:write', 'keys:admin', 'webhooks']);
    const refused = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/projection/quarantine',
      headers: { 'x-api-key': admin },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('a crash between parking the event and the checkpoint neither loses nor doubles it', async () => {
    // The projection's connection dies right after the quarantine insert, before the checkpoint and the commit.
    await t.db.query<unknown[]>(`CREATE SEQUENCE crash_once`);
    await t.db.query<unknown[]>(`CREATE FUNCTION crash_after_park() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('crash_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END $$`);
    await t.db.query<unknown[]>(
      `CREATE TRIGGER crash_after_park AFTER INSERT ON projection_quarantine FOR EACH ROW EXECUTE FUNCTION crash_after_park()`,
    );
    await projection.stop();
    await put(t.ledger, 'crash-before', '1');
    const bad = t.ledger.emitRaw('crash me');
    await put(t.ledger, 'crash-after', '2');
    projection.start();
    await caughtUp();
    const [n] = await t.db.query<{ n: number }[]>(`SELECT last_value::int AS n FROM crash_once`);
    expect(n!.n).toBeGreaterThanOrEqual(2); // the first attempt was killed, the retry went through
    const rows = await t.db.query<unknown[]>(`SELECT count(*)::int AS n FROM projection_quarantine WHERE tx_id = $1`, [
      bad.txId,
    ]);
    expect(rows).toEqual([{ n: 1 }]);
    const markers = await t.db.query<unknown[]>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'projection.quarantined' AND tx_id = $1`,
      [bad.txId],
    );
    expect(markers).toEqual([{ n: 1 }]);
    const good = await t.db.query<unknown[]>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes' AND tx_id = ANY($1::text[])`,
      [[t.ledger.txs.at(-3)!.txId, t.ledger.txs.at(-1)!.txId]],
    );
    expect(good).toEqual([{ n: 2 }]);
    await t.db.query<unknown[]>(`DROP TRIGGER crash_after_park ON projection_quarantine`);
  });
});
