import type { LightMyRequestResponse } from 'fastify';
import { AppConfig } from '../../src/config/app-config';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { CloseContinuer } from '../../src/points/close-continuer';
import { PointsActionsService } from '../../src/points/points-actions.service';
import { PointsReadStore } from '../../src/points/read-model/points-read.store';
import { FakeLedger, type FakeContract } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

const CURSOR = 'points~closing';

/**
 * `points:ClosePeriod` with the chaincode's chunking rules (chaincode/src/points/settlement.ts): `chunk` entries per
 * transaction, a cursor stored and projected (`closeProgress`) while entries are left, `POINTS_PERIOD_CLOSING` for
 * another period while one is in progress, `POINTS_PERIOD_CLOSED` for a period already closed.
 */
class ChunkedClose implements FakeContract {
  readonly steps: { from: string; to: string; next: number }[] = [];
  readonly statements = new Map<string, number>();
  cursor: { periodId: string; from: string; to: string; next: number; startedBy: string } | undefined;
  readonly consolidations: unknown[] = [];

  constructor(
    readonly entries: number,
    readonly chunk: number,
  ) {}

  handles(fn: string): boolean {
    return fn === 'points:ClosePeriod' || fn === 'points:ConsolidateLots';
  }

  submit(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] } {
    const req = JSON.parse(args[0] ?? '{}') as { from: string; to: string };
    if (fn === 'points:ConsolidateLots') {
      this.consolidations.push(req);
      return { result: JSON.stringify({ merged: 0, more: false }), changes: [] };
    }
    const periodId = `${req.from}..${req.to}`;
    if (this.cursor && this.cursor.periodId !== periodId)
      throw new ChaincodeRejectedError('POINTS_PERIOD_CLOSING', `the close of ${this.cursor.periodId} is in progress`);
    if (!this.cursor && this.statements.has(periodId))
      throw new ChaincodeRejectedError('POINTS_PERIOD_CLOSED', `overlaps the closed period ${periodId}`);
    const from = this.cursor?.next ?? 0;
    this.steps.push({ from: req.from, to: req.to, next: from });
    const next = from + this.chunk;
    if (next < this.entries) {
      this.cursor = { periodId, from: req.from, to: req.to, next, startedBy: 'MallAMSP' };
      const data = { ...this.cursor, next: clearingKey(next) };
      return {
        result: JSON.stringify({ periodId, final: false, next: data.next }),
        changes: [{ entity: 'closeProgress', id: CURSOR, op: 'put', data }],
      };
    }
    const wasResumed = this.cursor !== undefined;
    this.cursor = undefined;
    this.statements.set(periodId, this.entries);
    return {
      result: JSON.stringify({ periodId, entries: this.entries }),
      changes: wasResumed ? [{ entity: 'closeProgress', id: CURSOR, op: 'delete' }] : [],
    };
  }

  evaluate(): string {
    return '{}';
  }
}

const clearingKey = (n: number): string => `pclr~${String(n).padStart(6, '0')}`;

describe('POST /v1/points/periods/close repeats a chunked close until final (real Postgres, chunking ledger)', () => {
  let t: TestApp;
  let admin: string;
  const ledger = new ChunkedClose(5, 2);
  const post = (url: string, payload: object, key = admin): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, payload });
  const cursorRows = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ledger_state WHERE entity = 'closeProgress'`))[0]
      ?.n ?? -1;
  const closeItems = (): Promise<{ kind: string; natural_key: string; status: string }[]> =>
    t.db.query(
      `SELECT kind, natural_key, status FROM intake_items WHERE kind LIKE 'points.close%' ORDER BY created_at, kind`,
    );

  beforeAll(async () => {
    t = await startTestApp(
      { LEDGER_USER: 'admin', POINTS_CLOSE_CONTINUE_MS: '50' },
      new FakeLedger({ contracts: [ledger] }),
    );
    admin = await t.key(['consortium:admin']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('one POST: every step reaches the ledger once with the same bounds, the statement is written, the cursor is gone', async () => {
    const body = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' };
    const r = await post('/v1/points/periods/close', body);
    expect(r.statusCode).toBe(202);
    await eventually(async () => {
      const items = await closeItems();
      return ledger.statements.size === 1 && items.every((i) => i.status === 'committed') && (await cursorRows()) === 0
        ? true
        : undefined;
    });
    // 5 entries, 2 per transaction: 3 steps, from the cursors 0, 2 and 4 — none repeated, none skipped.
    expect(ledger.steps).toEqual([0, 2, 4].map((next) => ({ ...body, next })));
    expect(await closeItems()).toEqual([
      { kind: 'points.close', natural_key: `${body.from}..${body.to}`, status: 'committed' },
      { kind: 'points.close.step', natural_key: `${body.from}..${body.to}|${clearingKey(2)}`, status: 'committed' },
      { kind: 'points.close.step', natural_key: `${body.from}..${body.to}|${clearingKey(4)}`, status: 'committed' },
    ]);
    // Later rounds of the continuer add nothing, and the same POST again is a duplicate.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ledger.steps).toHaveLength(3);
    expect((await post('/v1/points/periods/close', body)).statusCode).toBe(200);
  });
});

describe('the close continuer across instances, restarts and other malls (real Postgres)', () => {
  let t: TestApp;
  let admin: string;
  const ledger = new ChunkedClose(7, 2);
  const body = { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' };
  let first: CloseContinuer;
  let second: CloseContinuer;
  const steps = (): Promise<{ tracking_id: string; natural_key: string; status: string }[]> =>
    t.db.query(
      `SELECT tracking_id, natural_key, status FROM intake_items WHERE kind = 'points.close.step' ORDER BY created_at`,
    );
  const projectedNext = async (): Promise<string | undefined> =>
    (await t.app.get(PointsReadStore).closeInProgress())?.next;

  beforeAll(async () => {
    // The continuer's timer is off: each round is driven here, as two instances (or a restart) would run them.
    t = await startTestApp(
      { LEDGER_USER: 'admin', POINTS_CLOSE_CONTINUE_MS: '0' },
      new FakeLedger({ contracts: [ledger] }),
    );
    admin = await t.key(['consortium:admin']);
    first = t.app.get(CloseContinuer);
    second = new CloseContinuer(t.app.get(AppConfig), t.app.get(PointsReadStore), t.app.get(PointsActionsService));
  });
  afterAll(async () => {
    await t.close();
  });

  it('two instances seeing the same cursor make one item; a round before the projection moved adds nothing', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/points/periods/close',
      headers: { 'x-api-key': admin },
      payload: body,
    });
    expect(r.statusCode).toBe(202);
    await eventually(async () => ((await projectedNext()) === clearingKey(2) ? true : undefined));
    const [a, b] = await Promise.all([first.runOnce(), second.runOnce()]);
    expect(a?.trackingId).toBeDefined();
    expect(b?.trackingId).toBe(a?.trackingId);
    expect([a?.outcome, b?.outcome].sort()).toEqual(['accepted', 'duplicate']);
    await eventually(async () => ((await projectedNext()) === clearingKey(4) ? true : undefined));
    // A restarted instance whose read model still showed the old cursor would name the committed step again.
    const again = await t.app.get(PointsActionsService).continueClose({ ...body, next: clearingKey(2) });
    expect(again).toMatchObject({ outcome: 'duplicate', trackingId: a?.trackingId, status: 'committed' });
    expect(ledger.steps.map((s) => s.next)).toEqual([0, 2]);
  });

  it('a restart between steps: the projected cursor gives the next step, carried once, to the end', async () => {
    // The process that ran the first rounds is gone; a new continuer reads the cursor from Postgres.
    const restarted = new CloseContinuer(
      t.app.get(AppConfig),
      t.app.get(PointsReadStore),
      t.app.get(PointsActionsService),
    );
    for (const next of [4, 6]) {
      await eventually(async () => ((await projectedNext()) === clearingKey(next) ? true : undefined));
      expect((await restarted.runOnce())?.outcome).toBe('accepted');
    }
    await eventually(async () =>
      (await projectedNext()) === undefined && ledger.statements.size === 1 ? true : undefined,
    );
    await eventually(async () => ((await steps()).every((s) => s.status === 'committed') ? true : undefined));
    expect(await restarted.runOnce()).toBeUndefined();
    expect(ledger.steps.map((s) => s.next)).toEqual([0, 2, 4, 6]);
    expect((await steps()).map((s) => s.natural_key)).toEqual(
      [2, 4, 6].map((n) => `${body.from}..${body.to}|${clearingKey(n)}`),
    );
  });

  it('leaves a close started by another mall alone: nothing stored', async () => {
    const before = (await steps()).length;
    const cursor = {
      periodId: 'x..y',
      from: body.to,
      to: '2026-11-04T00:00:00.000Z',
      next: 'pclr~1',
      startedBy: 'MallBMSP',
    };
    t.ledger.emitRaw(
      JSON.stringify({
        changes: [{ entity: 'closeProgress', id: CURSOR, op: 'put', data: cursor }],
        fn: 'ClosePeriod',
      }),
    );
    await eventually(async () => ((await projectedNext()) === 'pclr~1' ? true : undefined));
    expect(await first.runOnce()).toBeUndefined();
    expect((await steps()).length).toBe(before);
  });
});

describe('POST /v1/points/members/{did}/lots/consolidate (real Postgres, recording ledger)', () => {
  let t: TestApp;
  let write: string;
  let read: string;
  const ledger = new ChunkedClose(0, 1);
  const did = 'did:mallchain:zMemberA1';
  const url = `/v1/points/members/${did}/lots/consolidate`;
  const items = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM intake_items`))[0]?.n ?? -1;
  const post = (path: string, key: string, payload: object): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url: path, headers: { 'x-api-key': key }, payload });

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger({ contracts: [ledger] }));
    write = await t.key(['points:write']);
    read = await t.key(['points:read']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('relays the request to points:ConsolidateLots; a repeated requestId is a duplicate, other content 409', async () => {
    const body = { programId: 'mallA-points', expiresOn: '2028-11-30', limit: 100, requestId: 'run-1' };
    const r = await post(url, write, body);
    expect(r.statusCode).toBe(202);
    await eventually(() => Promise.resolve(ledger.consolidations.length === 1 ? true : undefined));
    expect(ledger.consolidations[0]).toEqual({
      programId: 'mallA-points',
      member: did,
      expiresOn: '2028-11-30',
      limit: 100,
    });
    const again = await post(url, write, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      outcome: 'duplicate',
      trackingId: r.json<{ trackingId: string }>().trackingId,
    });
    expect((await post(url, write, { ...body, limit: 50 })).statusCode).toBe(409);
    // Without requestId each call is a run of its own (a repeat merges only what is left).
    const bare = { programId: 'mallA-points' };
    expect((await post(url, write, bare)).statusCode).toBe(202);
    expect((await post(url, write, bare)).statusCode).toBe(202);
    await eventually(() => Promise.resolve(ledger.consolidations.length === 3 ? true : undefined));
    expect(ledger.consolidations[2]).toEqual({ programId: 'mallA-points', member: did });
  });

  it.each([
    [url, { programId: 'a b' }, /programId must be a ledger ID/],
    [url, {}, /programId must be a ledger ID/],
    [url, { programId: 'p', expiresOn: '30.11.2028' }, /expiresOn must be a UTC day YYYY-MM-DD/],
    [url, { programId: 'p', expiresOn: '2026-02-30' }, /expiresOn is not a calendar day/],
    [url, { programId: 'p', limit: 1 }, /limit must not be less than 2/],
    [url, { programId: 'p', limit: 501 }, /limit must not be greater than 500/],
    [url, { programId: 'p', limit: 2.5 }, /limit must be an integer/],
    [url, { programId: 'p', requestId: 'a b' }, /requestId must be 1 to 64/],
    [url, { programId: 'p', member: did }, /property member should not exist/],
    ['/v1/points/members/bob/lots/consolidate', { programId: 'p' }, /did must be a DID/],
  ])('POST %s refuses bad input (%j): 400 naming it, nothing stored', async (path, body, message) => {
    const before = await items();
    const r = await post(path, write, body);
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(message);
    expect(await items()).toBe(before);
  });

  it('needs points:write: a read key is refused 403, nothing stored', async () => {
    const before = await items();
    expect((await post(url, read, { programId: 'p' })).statusCode).toBe(403);
    expect(await items()).toBe(before);
  });
});
