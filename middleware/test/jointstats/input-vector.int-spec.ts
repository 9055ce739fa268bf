/**
 * `HuinaInputSource` on a real, migrated Postgres: the metric a round names picks the column summed, a bucket without
 * figures is absent, and an attested round cites per bucket the device-proven reports its figures came in — or is
 * refused, naming the bucket, when a figure came without a proof.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { HuinaInputSource, UnattestedInputError } from '../../src/jointstats/input-vector';
import type { RoundRecord } from '../../src/ledger/domain/jointstats.ledger';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

const START = '2026-02-28T16:00:00.000Z';
const DEVICE = 'did:mallchain:counter-north';

function round(overrides: Partial<RoundRecord> = {}): RoundRecord {
  return {
    roundId: 'r',
    metric: 'visitors',
    siteLevel: 'mall',
    periodStart: START,
    bucketMinutes: 60,
    buckets: 3,
    participants: ['MallAMSP', 'MallBMSP', 'MallCMSP'],
    threshold: 2,
    minContributors: 3,
    deadline: '2026-03-02T00:00:00.000Z',
    proposer: 'MallAMSP',
    proposedAt: START,
    txId: 'tx',
    ...overrides,
  };
}

describe('HuinaInputSource', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let source: HuinaInputSource;

  async function report(seq: number): Promise<string> {
    const rows = await ds.query<{ id: string }[]>(
      `INSERT INTO huina_traffic_reports (device_did, seq, digest, statement, kid, tracking_id, app_id)
       VALUES ($1, $2, 'd', '{}', $3, $4, 'app') RETURNING id`,
      [DEVICE, seq, `${DEVICE}#key-1`, randomUUID()],
    );
    return rows[0]!.id;
  }

  async function bucket(
    site: string,
    hour: number,
    inNum: number,
    outNum: number,
    reportId: string | null,
  ): Promise<void> {
    await ds.query(
      `INSERT INTO huina_traffic_buckets
         (site_key, data_time, interval_min, interval, in_num, out_num, modify_time, app_id, report_id, report_position)
       VALUES ($1, $2::timestamptz + make_interval(hours => $3::int), 60, 'H', $4, $5, now(), 'app', $6, 0)`,
      [site, START, hour, inNum, outNum, reportId],
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(dataSourceOptions(db.url, 2));
    await ds.initialize();
    await ds.runMigrations();
    source = new HuinaInputSource(ds);
    await ds.query(
      `INSERT INTO huina_sites (site_key, site_name, site_type, parent_site_key) VALUES
         ('mall', 'Mall', 300, NULL), ('f1', 'F1', 500, 'mall'), ('f2', 'F2', 500, 'mall')`,
    );
    const r1 = await report(1);
    const r2 = await report(2);
    // Hour 0: the mall and both floors, proven by report 1 (floors) and 2 (mall). Hour 1: nothing. Hour 2: the
    // mall proven by report 2, floor 1 proven by report 1, floor 2 without a proof.
    await bucket('mall', 0, 1000, 900, r2);
    await bucket('f1', 0, 600, 500, r1);
    await bucket('f2', 0, 400, 350, r1);
    await bucket('mall', 2, 3000, 2900, r2);
    await bucket('f1', 2, 1700, 1600, r1);
    await bucket('f2', 2, 1300, 1250, null);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('sums the column of the metric over the sites of the level; a bucket without figures is absent', async () => {
    expect(await source.vector(round())).toEqual({ values: [1000n, 0n, 3000n], absent: [1] });
    expect(await source.vector(round({ metric: 'visitorsOut' }))).toEqual({ values: [900n, 0n, 2900n], absent: [1] });
    expect(await source.vector(round({ siteLevel: 'floor' }))).toEqual({ values: [1000n, 0n, 3000n], absent: [1] });
    expect(await source.vector(round({ siteLevel: 'floor', metric: 'visitorsOut' }))).toEqual({
      values: [850n, 0n, 2850n],
      absent: [1],
    });
  });

  it('sales metrics: Σ realAmt and the number of SALE receipts per bucket by OCR time, returns left out', async () => {
    const receipt = (flow: string, minute: number, fen: number, type = 'SALE'): Promise<unknown> =>
      ds.query(
        `INSERT INTO haide_receipts (org_code, pos_no, flow_no, content_hash, tx_type, ocr_time, business_date,
           real_amt_fen, points, program_id, merchant_id, app_id)
         VALUES ('S1', 'P1', $1, $2, $3, $4::timestamptz + make_interval(mins => $5::int), '2026-03-01', $6, 0,
           'prog', 'm1', 'app')`,
        [flow, flow.padEnd(64, '0'), type, START, minute, fen],
      );
    await receipt('f1', 5, 12_900);
    await receipt('f2', 59, 4_550);
    await receipt('f3', 60, 99_999, 'RETURN');
    await receipt('f4', 150, 800);
    expect(await source.vector(round({ metric: 'salesFen' }))).toEqual({ values: [17_450n, 0n, 800n], absent: [1] });
    expect(await source.vector(round({ metric: 'receipts' }))).toEqual({ values: [2n, 0n, 1n], absent: [1] });
    await expect(source.vector(round({ metric: 'salesFen', siteLevel: 'floor' }))).rejects.toThrow('whole mall only');
  });

  it('refuses a metric or level it does not compute', async () => {
    await expect(source.vector(round({ metric: 'dwell' }))).rejects.toThrow('metric dwell at level mall');
    await expect(source.vector(round({ siteLevel: 'city' }))).rejects.toThrow('at level city');
  });

  it('an attested round cites the reports of each bucket, none for an absent one', async () => {
    expect(await source.vector(round({ attested: true }))).toEqual({
      values: [1000n, 0n, 3000n],
      absent: [1],
      evidence: [[{ deviceDid: DEVICE, seq: 2 }], [], [{ deviceDid: DEVICE, seq: 2 }]],
    });
  });

  it('an attested round with a figure that came without a device proof is refused, naming the bucket', async () => {
    const run = source.vector(round({ attested: true, siteLevel: 'floor' }));
    await expect(run).rejects.toThrow(UnattestedInputError);
    await expect(source.vector(round({ attested: true, siteLevel: 'floor' }))).rejects.toThrow(
      'round r is attested, but bucket 2 holds 1 figure(s) without a device proof',
    );
  });

  it('an attested round over the floors of hour 0 alone cites report 1 once', async () => {
    expect(await source.vector(round({ attested: true, siteLevel: 'floor', buckets: 1 }))).toEqual({
      values: [1000n],
      absent: [],
      evidence: [[{ deviceDid: DEVICE, seq: 1 }]],
    });
  });
});
