/**
 * Issue 11 on the real dev network, two malls: Mall A registers a counter and a printer, the counter streams a day of
 * 15-minute buckets with revisions arriving out of order, each push proven; buckets end at the newest revision and
 * the site tree sums are right; Mall B verifies A's figure through its own peer; a row edited in A's Postgres fails
 * the proof; a revoked counter's later proofs are refused.
 *
 * Needs the dev network (`MALLCHAIN_PORT_BASE=<yours> npm run network -- up`). Mall A's middleware signs as its
 * org admin (`LEDGER_USER=admin`): registering devices is an admin transaction.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import {
  CounterIdentity,
  caHeaders,
  counterRecords,
  localMs,
  provenPush,
  siteTree,
} from '../../src/devices/simulators/counter';
import { PrinterIdentity } from '../../src/devices/simulators/printer';
import { formatShanghai } from '../../src/huina/shanghai-time';
import { requireNetwork } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { startRealApp, type RealApp } from './support/real-app';

interface Issued {
  appId: string;
  secret: string;
}
interface Huina<T> {
  success: boolean;
  statusCode: string;
  data: T;
}
interface Point {
  dataTime: string;
  inNum: number;
  outNum: number;
}
interface Series {
  own: Point[];
  children: { siteKeys: string[]; sum: Point[] };
}
interface Proof {
  status: string;
  matches: boolean;
  mismatches: string[];
  ledgerChecked: boolean;
  txId: string | null;
}
interface Rec {
  siteKey: string;
  dataTime: string;
  inNum: number;
  outNum: number;
  modifyTime: string;
}

const DAY_MS = 86_400_000;
const CHUNK_MS = 4 * 3_600_000;

describe('devices, Huina traffic and proofs across two malls on the real network', () => {
  let a: RealApp;
  let b: RealApp;
  let aDevices: string;
  let bDevices: string;
  let cred: Issued;
  let db: DataSource;
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-traffic-e2e-'));
  const counter = new CounterIdentity(path.join(dir, 'counter.pem'));
  const printer = new PrinterIdentity(path.join(dir, 'printer.pem'));
  const prefix = `E${randomBytes(3).toString('hex').toUpperCase()}`;
  const sites = siteTree(prefix);
  // A device key is valid from its registration, and a statement is measured at its latest record: every push
  // carries the current, still open bucket (modifyTime = now), and the day is the 96 buckets ending with it.
  const STEP = 900_000;
  const openBucket = Math.floor(Date.now() / STEP) * STEP;
  const dayStart = openBucket - 95 * STEP;
  const day = formatShanghai(dayStart);
  const newest = new Map<string, Rec>();
  const keep = (recs: readonly Rec[]): void => {
    for (const r of recs) {
      const k = `${r.siteKey}|${r.dataTime}`;
      const had = newest.get(k);
      if (!had || had.modifyTime < r.modifyTime) newest.set(k, r);
    }
  };
  const open = (): Rec[] => counterRecords(sites, openBucket, openBucket + STEP, '15', Date.now()).slice(0, 1) as Rec[];

  const huina = async <T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Huina<T> }> => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = caHeaders(cred.appId, Buffer.from(cred.secret, 'utf8'), method, url, text);
    const res = await fetch(`${a.base}${url}`, { method, headers, ...(body === undefined ? {} : { body: text }) });
    return { status: res.status, body: (await res.json()) as Huina<T> };
  };
  const q = (v: string): string => encodeURIComponent(v).replaceAll('%3A', ':');

  const register = async (body: object): Promise<void> => {
    const r = await call<{ trackingId: string }>(a.base, aDevices, 'POST', '/v1/devices', body);
    expect(r.status).toBe(202);
    const item = await committedItem(a.base, a.key, r.body.trackingId, 180_000);
    expect(item.status).toBe('committed');
  };

  beforeAll(async () => {
    const networkFile = requireNetwork();
    const partnerKey = randomBytes(32).toString('base64');
    a = await startRealApp(networkFile, {
      mspId: 'MallAMSP',
      extra: { LEDGER_USER: 'admin', PARTNER_SECRET_KEY: partnerKey },
    });
    b = await startRealApp(networkFile, { mspId: 'MallBMSP' });
    aDevices = (await a.app.get(ApiKeysService).create('MallAMSP', 'devices', ['devices:write'])).key;
    bDevices = (await b.app.get(ApiKeysService).create('MallBMSP', 'devices', ['devices:write'])).key;
    const issued = await call<Issued>(a.base, a.key, 'POST', '/v1/admin/partners', {
      kind: 'huina',
      customerId: 'MALLA',
      name: 'counters',
    });
    expect(issued.status).toBe(201);
    cred = issued.body;
    db = new DataSource({ type: 'postgres', url: a.databaseUrl });
    await db.initialize();
    await register(counter.registration('mallchannel', 'mallchain', 'MallAMSP', 'Mall A'));
    await register(printer.registration('mallchannel', 'mallchain', 'MallAMSP', 'Mall A'));
  }, 400_000);
  afterAll(async () => {
    await db.destroy();
    await b.close();
    await a.close();
  });

  it('registers both devices on the ledger, cached at A', async () => {
    for (const [id, type] of [
      [counter, 'people_counter'],
      [printer, 'receipt_printer'],
    ] as const) {
      const got = await poll(`device ${id.key.did} in the cache`, async () => {
        const r = await call<{ status: string; type: string }>(a.base, aDevices, 'GET', `/v1/devices/${id.key.did}`);
        return r.status === 200 ? r.body : undefined;
      });
      expect(got).toMatchObject({ status: 'active', type });
    }
  });

  it('streams a day of 15-minute buckets, newer revisions first: buckets end at the newest revision', async () => {
    const tree = sites
      .filter((s) => s.siteType !== 700)
      .map((s) => ({
        ...s,
        dataTime: day,
        interval: '15',
        inNum: 0,
        outNum: 0,
        modifyTime: formatShanghai(dayStart + STEP),
      }));
    expect((await huina('POST', '/huina/v1/traffic', { customerId: 'MALLA', records: tree })).status).toBe(200);
    for (let from = dayStart; from < openBucket; from += CHUNK_MS) {
      const to = Math.min(from + CHUNK_MS, openBucket);
      const final = [...(counterRecords(sites, from, to, '15', to) as Rec[]), ...open()];
      keep(final);
      const first = await huina(
        'POST',
        '/huina/v1/traffic',
        provenPush(counter, 'MALLA', final, 'mallchannel', counter.nextSeq()),
      );
      expect(first.status).toBe(200);
      // An older revision of the same buckets arrives after the newer one: stale, never added.
      const provisional = [...(counterRecords(sites, from, to, '15', to - 7 * 60_000) as Rec[]), ...open()];
      keep(provisional);
      const late = await huina<{ results: { status: string }[] }>(
        'POST',
        '/huina/v1/traffic',
        provenPush(counter, 'MALLA', provisional, 'mallchannel', counter.nextSeq()),
      );
      expect(late.status).toBe(200);
      expect(new Set(late.body.data.results.slice(0, -1).map((r) => r.status))).toEqual(new Set(['stale']));
    }
    const finals = [...newest.values()];
    expect(finals).toHaveLength(95 * 2 + 1);
    const gate = `${prefix}-F1-N`;
    const series = await huina<Series>(
      'GET',
      `/huina/v1/traffic?siteKey=${gate}&from=${q(day)}&to=${q(formatShanghai(openBucket + STEP))}&interval=15`,
    );
    expect(series.status).toBe(200);
    const expected = finals
      .filter((r) => r.siteKey === gate)
      .sort((x, y) => x.dataTime.localeCompare(y.dataTime))
      .map((r) => ({ dataTime: r.dataTime, inNum: r.inNum, outNum: r.outNum }));
    expect(series.body.data.own.map((p) => ({ dataTime: p.dataTime, inNum: p.inNum, outNum: p.outNum }))).toEqual(
      expected,
    );
  }, 900_000);

  it('sums the site tree: the floor’s days are the sums of its two gates', async () => {
    const floor = `${prefix}-F1`;
    const from = `${day.slice(0, 10)} 00:00:00`;
    const to = formatShanghai(localMs(from) + 2 * DAY_MS);
    const r = await huina<Series>('GET', `/huina/v1/traffic?siteKey=${floor}&from=${q(from)}&to=${q(to)}&interval=D`);
    expect(r.status).toBe(200);
    expect(r.body.data.children.siteKeys.sort()).toEqual([`${prefix}-F1-N`, `${prefix}-F1-S`]);
    const finals = [...newest.values()];
    const total = (pts: Point[], f: 'inNum' | 'outNum'): number => pts.reduce((acc, p) => acc + p[f], 0);
    expect(total(r.body.data.children.sum, 'inNum')).toBe(finals.reduce((acc, x) => acc + x.inNum, 0));
    expect(total(r.body.data.children.sum, 'outNum')).toBe(finals.reduce((acc, x) => acc + x.outNum, 0));
    // The floor's own figure is its tree record (0 in, 0 out): a parent is never counted from its children.
    expect(r.body.data.own.map((p) => [p.inNum, p.outNum])).toEqual([[0, 0]]);
  });

  it('anchors the proofs; Mall B verifies A’s figure through its own peer', async () => {
    const bucket = `siteKey=${prefix}-F1-S&dataTime=${q(formatShanghai(dayStart + 20 * STEP))}&interval=15`;
    const proof = await poll(
      'proof committed and checked on the peer',
      async () => {
        const r = await huina<Proof>('GET', `/huina/v1/traffic/proof?${bucket}`);
        return r.body.data.status === 'committed' && r.body.data.ledgerChecked ? r.body.data : undefined;
      },
      300_000,
      1000,
    );
    expect(proof).toMatchObject({ matches: true, mismatches: [] });
    const evidence = await call(a.base, aDevices, 'GET', `/v1/proofs/traffic?${bucket}`);
    expect(evidence.status).toBe(200);
    const v = await call<{ verified: boolean; checks: Record<string, boolean>; ownerMsp: string }>(
      b.base,
      bDevices,
      'POST',
      '/v1/proofs/traffic/verify',
      evidence.body,
    );
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ verified: true, ownerMsp: 'MallAMSP' });
  }, 400_000);

  it('a row edited in A’s Postgres fails the proof at A and the verification at B', async () => {
    const when = formatShanghai(dayStart + 3 * STEP);
    const bucket = `siteKey=${prefix}-F1-N&dataTime=${q(when)}&interval=15`;
    await poll(
      'proof committed',
      async () => {
        const r = await huina<Proof>('GET', `/huina/v1/traffic/proof?${bucket}`);
        return r.body.data.status === 'committed' ? true : undefined;
      },
      300_000,
      1000,
    );
    await db.query(
      `UPDATE huina_traffic_buckets SET in_num = in_num + 100 WHERE site_key = $1 AND data_time = $2 AND interval_min = 15`,
      [`${prefix}-F1-N`, new Date(localMs(when))],
    );
    const proof = await huina<Proof>('GET', `/huina/v1/traffic/proof?${bucket}`);
    expect(proof.body.data.matches).toBe(false);
    expect(proof.body.data.mismatches.join()).toContain('inNum');
    const evidence = await call(a.base, aDevices, 'GET', `/v1/proofs/traffic?${bucket}`);
    const v = await call<{ verified: boolean; checks: Record<string, boolean> }>(
      b.base,
      bDevices,
      'POST',
      '/v1/proofs/traffic/verify',
      evidence.body,
    );
    expect(v.body).toMatchObject({ verified: false, checks: { figure: false, digest: true, anchored: true } });
  }, 400_000);

  it('refuses the later proofs of a revoked counter (409 PROOF_INACTIVE), nothing stored', async () => {
    const r = await call<{ trackingId: string }>(a.base, aDevices, 'POST', `/v1/devices/${counter.key.did}/revoke`, {
      reason: 'e2e',
    });
    expect(r.status).toBe(202);
    expect((await committedItem(a.base, a.key, r.body.trackingId, 180_000)).status).toBe('committed');
    // Proofs are checked against the device cache first: until the revocation is projected, a proof would be
    // accepted and then refused by the chaincode (docs/huina.md, "Device keys from the cache"). Once it is, 409.
    for (let i = 0; ; i++) {
      const [d] = await db.query<{ status: string }[]>('SELECT status FROM devices WHERE did = $1', [counter.key.did]);
      if (d?.status === 'revoked') break;
      if (i > 600) throw new Error(`the revocation of ${counter.key.did} was not projected in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const late = open().map((x) => ({
      ...x,
      siteKey: `${prefix}-F1-X`,
      siteName: 'Late gate',
    }));
    const res = await huina(
      'POST',
      '/huina/v1/traffic',
      provenPush(counter, 'MALLA', late, 'mallchannel', counter.nextSeq()),
    );
    expect(res.status).toBe(409);
    expect(res.body.statusCode).toBe('PROOF_INACTIVE');
    const rows = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM huina_traffic_buckets WHERE site_key = $1`,
      [`${prefix}-F1-X`],
    );
    expect(Number(rows[0]?.n)).toBe(0);
  }, 400_000);
});
