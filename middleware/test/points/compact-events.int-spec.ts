/**
 * A ledger written partly by the chaincode before the compact `mallchain.changes` event (v1) and partly by the
 * current one (v2) projects into the same read model as a ledger of either version alone, and a rebuild over
 * the mixed ledger equals its live read model. The events are the recorded ones of test/fixtures (one accrual
 * story recorded from both chaincodes: chaincode/test/points/event-record.spec.ts). Real Postgres.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectionService } from '../../src/projection/projection.service';
import { ProjectorRegistry } from '../../src/projection/projector-registry';
import { RebuildService } from '../../src/projection/rebuild.service';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

interface Recorded {
  txId: string;
  payload: { fn: string; changes: unknown[] };
}
const fixture = (v: 1 | 2): Recorded[] =>
  JSON.parse(readFileSync(join(__dirname, `../fixtures/accrual-events.v${v.toString()}.json`), 'utf8')) as Recorded[];

/** Every row of every projected table (the generic `ledger_state` too), without the random fake-ledger tx IDs. */
async function readModel(t: TestApp): Promise<Record<string, string[]>> {
  const tables = ['ledger_state', ...t.app.get(ProjectorRegistry).tables()];
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await t.db.query<{ r: string }[]>(`SELECT (to_jsonb(x) - 'tx_id')::text AS r FROM "${table}" x`);
    out[table] = rows.map((row) => row.r).sort();
  }
  return out;
}

async function project(events: readonly Recorded[]): Promise<TestApp> {
  const t = await startTestApp({}, new FakeLedger());
  for (const e of events) t.ledger.emitRaw(JSON.stringify(e.payload));
  const projection = t.app.get(ProjectionService);
  await eventually(async () =>
    (await projection.checkpoint())?.txId === t.ledger.txs.at(-1)?.txId ? true : undefined,
  );
  return t;
}

describe('points read model over old (v1) and compact (v2) change events', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('v1 only, v2 only and a ledger mixing both give the same read model; rebuild of the mixed one is equal', async () => {
    const v1 = fixture(1);
    const v2 = fixture(2);
    expect(v2.map((e) => e.txId)).toEqual(v1.map((e) => e.txId));
    // Upgrade half-way: the older chaincode wrote the first events, the current one the rest.
    const half = Math.ceil(v1.length / 2);
    const mixed = [...v1.slice(0, half), ...v2.slice(half)];
    expect(mixed.some((e) => e.payload.changes.some((c) => (c as { k?: string }).k === 'accrue'))).toBe(true);
    for (const events of [v1, v2, mixed]) apps.push(await project(events));
    const [old, neu, both] = apps as [TestApp, TestApp, TestApp];

    const want = await readModel(old);
    expect(want.points_lots?.length).toBe(6);
    expect(want.points_accruals?.length).toBe(6);
    expect(want.points_history?.length).toBeGreaterThanOrEqual(8);
    expect(await readModel(neu)).toEqual(want);
    expect(await readModel(both)).toEqual(want);

    const balances = await both.db.query<{ member: string; remaining: string }[]>(
      `SELECT member, remaining::text FROM points_balances ORDER BY member`,
    );
    // Everything was earned, 20 points reversed, and the rest expired 400 days later.
    expect(balances.map((b) => b.remaining)).toEqual(['0', '0']);

    const report = await both.app.get(RebuildService).rebuild();
    expect(report.equal).toBe(true);
    expect(report.tables.map((x) => x.table)).toEqual(expect.arrayContaining(['points_lots', 'points_history']));
  });
});
