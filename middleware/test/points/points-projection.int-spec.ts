import { ProjectionService } from '../../src/projection/projection.service';
import { RebuildService } from '../../src/projection/rebuild.service';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

// Changes shaped exactly as chaincode/src/points writes them (common/state.ts put/putPlain/remove).
const M = 'did:mallchain:zMember1';
const P = 'mallA-points';
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const now = Date.now();

interface Lot {
  lotId: string;
  remaining: number;
  redeemed?: number;
  reversed?: number;
  availableAt: string;
  expiresAt: string;
}

function lot(l: Lot): Record<string, unknown> {
  const { lotId, remaining, redeemed = 0, reversed = 0, availableAt, expiresAt } = l;
  return {
    lotId,
    member: M,
    programId: P,
    origin: 'accrual',
    sourceRef: `haide:MALL-A/P001/${lotId}`,
    amount: remaining + redeemed + reversed,
    remaining,
    redeemed,
    reversed,
    expired: 0,
    movedOut: 0,
    earnedAt: iso(now - 10 * DAY),
    availableAt,
    expiresAt,
  };
}
const lotPut = (l: Lot): object => ({ entity: 'lot', id: `plot/${M}/${P}/${l.lotId}`, op: 'put', data: lot(l) });
const program = {
  programId: P,
  issuer: 'MallAMSP',
  name: 'Mall A Rewards',
  unitValueFen: 1,
  expiryMonths: 24,
  returnWindowDays: 7,
  createdAt: iso(now - 20 * DAY),
  updatedAt: iso(now - 20 * DAY),
};

/** Transactions of one member's life: earn twice, a partial return, a redemption that empties a lot. */
function story(): object[][] {
  const a = { lotId: 'tx1.0', availableAt: iso(now - 3 * DAY), expiresAt: iso(now + 10 * DAY) };
  const b = { lotId: 'tx2.0', availableAt: iso(now + 4 * DAY), expiresAt: iso(now + 700 * DAY) };
  return [
    [{ entity: 'program', id: `pprog/${P}`, op: 'put', data: program }],
    [
      lotPut({ ...a, remaining: 100 }),
      {
        entity: 'accrual',
        id: `pacc/${P}/haide:MALL-A/P001/tx1.0`,
        op: 'put',
        data: {
          programId: P,
          sourceRef: 'haide:MALL-A/P001/tx1.0',
          member: M,
          amount: 100,
          merchant: 'store-0101',
          lotId: 'tx1.0',
          txId: 'tx1',
          earnedAt: iso(now - 10 * DAY),
          reversed: 0,
        },
      },
    ],
    [lotPut({ ...b, remaining: 40 })],
    [lotPut({ ...a, remaining: 70, reversed: 30 })],
    [
      { entity: 'lot', id: `plot/${M}/${P}/tx1.0`, op: 'delete' },
      {
        entity: 'spentLot',
        id: `plote/${M}/${P}/tx1.0`,
        op: 'put',
        data: lot({ ...a, remaining: 0, reversed: 30, redeemed: 70 }),
      },
      {
        entity: 'rate',
        id: `prate/${P}/mallB-points`,
        op: 'put',
        data: {
          fromProgram: P,
          toProgram: 'mallB-points',
          numerator: 1,
          denominator: 2,
          unitValueFen: 1,
          status: 'proposed',
          proposedBy: 'MallAMSP',
          updatedAt: iso(now),
        },
      },
    ],
    [{ entity: 'rate', id: `prate/${P}/mallB-points`, op: 'delete' }],
  ];
}

describe('points read model (projection of points changes)', () => {
  let t: TestApp;
  let projection: ProjectionService;

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    projection = t.app.get(ProjectionService);
  });
  afterAll(() => t.close());

  const settled = (): Promise<true> =>
    eventually(async () => ((await projection.checkpoint())?.txId === t.ledger.txs.at(-1)?.txId ? true : undefined));
  const emit = (changes: object[]): void => {
    t.ledger.emitRaw(JSON.stringify({ txId: 'x', fn: 'points:Test', changes }));
  };

  it('keeps lots, the balance per member and program, and plain records; a batch of all events ends equal', async () => {
    await projection.stop();
    for (const changes of story()) emit(changes);
    projection.start();
    await settled();

    const lots = await t.db.query<{ lot_id: string; remaining: string; live: boolean }[]>(
      `SELECT lot_id, remaining::text, live FROM points_lots ORDER BY lot_id`,
    );
    expect(lots).toEqual([
      { lot_id: 'tx1.0', remaining: '0', live: false },
      { lot_id: 'tx2.0', remaining: '40', live: true },
    ]);
    const [bal] = await t.db.query<{ remaining: string }[]>(`SELECT remaining::text FROM points_balances`);
    expect(bal).toEqual({ remaining: '40' });
    expect(await t.db.query(`SELECT program_id, issuer FROM points_programs`)).toEqual([
      { program_id: P, issuer: 'MallAMSP' },
    ]);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM points_rates`)).toEqual([{ n: 0 }]);
    expect(await t.db.query(`SELECT member, amount::int FROM points_accruals`)).toEqual([{ member: M, amount: 100 }]);
  });

  it('rebuild from block 0 (replayed in its own batches) equals the live read model, points tables included', async () => {
    const report = await t.app.get(RebuildService).rebuild();
    expect(report.equal).toBe(true);
    const tables = report.tables.map((x) => x.table);
    for (const table of ['points_lots', 'points_balances', 'points_accruals', 'points_programs', 'points_rates'])
      expect(tables).toContain(table);
  });

  it('a stale live lot after its spent version (entities applied one after the other) changes nothing', async () => {
    await projection.stop();
    // One batch: the spent version of lot tx3.0 comes first (as entity `spentLot` would when another lot's
    // compaction opened the batch), its earlier live version after it.
    const c = { lotId: 'tx3.0', availableAt: iso(now - DAY), expiresAt: iso(now + 100 * DAY) };
    emit([
      {
        entity: 'spentLot',
        id: `plote/${M}/${P}/tx0.0`,
        op: 'put',
        data: lot({ ...c, lotId: 'tx0.0', remaining: 0, redeemed: 5 }),
      },
    ]);
    emit([lotPut({ ...c, remaining: 25 })]);
    emit([
      { entity: 'lot', id: `plot/${M}/${P}/tx3.0`, op: 'delete' },
      { entity: 'spentLot', id: `plote/${M}/${P}/tx3.0`, op: 'put', data: lot({ ...c, remaining: 0, redeemed: 25 }) },
    ]);
    projection.start();
    await settled();
    const [bal] = await t.db.query<{ remaining: string }[]>(`SELECT remaining::text FROM points_balances`);
    expect(bal).toEqual({ remaining: '40' });
    expect(await t.db.query(`SELECT live, remaining::int FROM points_lots WHERE lot_id = 'tx3.0'`)).toEqual([
      { live: false, remaining: 0 },
    ]);
    expect((await t.app.get(RebuildService).rebuild()).equal).toBe(true);
  });

  it('parks a points change of the wrong shape, naming the field, and writes none of its rows', async () => {
    emit([lotPut({ lotId: 'bad.0', remaining: 5, availableAt: 'soon', expiresAt: iso(now) })]);
    await settled().catch(() => undefined);
    const parked = await eventually(async () => {
      const rows = await t.db.query<{ error: string }[]>(`SELECT error FROM projection_quarantine`);
      return rows.length > 0 ? rows : undefined;
    });
    expect(parked[0]?.error).toMatch(/available_at must be an ISO time/);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM points_lots WHERE lot_id = 'bad.0'`)).toEqual([{ n: 0 }]);
  });
});
