import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CounterIdentity,
  caHeaders,
  counterRecords,
  localMs,
  provenPush,
  siteTree,
} from '../../src/devices/simulators/counter';
import { startHuinaApp, type HuinaApp } from './huina-harness';

describe('counter simulator (own P-256 key in a file, persisted sequence)', () => {
  let t: HuinaApp;
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-counter-'));

  beforeAll(async () => {
    t = await startHuinaApp();
  });
  afterAll(() => t.close());

  it('keeps its key and sequence across restarts', () => {
    const a = new CounterIdentity(path.join(dir, 'k1.pem'));
    expect([a.nextSeq(), a.nextSeq()]).toEqual([1, 2]);
    const b = new CounterIdentity(path.join(dir, 'k1.pem'));
    expect(b.key.did).toBe(a.key.did);
    expect(b.nextSeq()).toBe(3);
  });

  it('produces revisions of a site tree whose signed pushes the middleware accepts, newest revision winning', async () => {
    const id = new CounterIdentity(path.join(dir, 'k2.pem'));
    t.devices.register(id.key.did, id.key.publicKeyJwk);
    const sites = siteTree('SIM');
    const tree = sites
      .filter((s) => s.siteType !== 700)
      .map((s) => ({
        ...s,
        dataTime: '2026-11-30 10:00:00',
        interval: '15',
        inNum: 0,
        outNum: 0,
        modifyTime: '2026-11-30 10:05:00',
      }));
    const send = async (
      asOf: string,
    ): Promise<{ status: number; body: { data: { results: { status: string }[] } } }> => {
      const records = [
        ...tree,
        ...counterRecords(sites, localMs('2026-11-30 10:00:00'), localMs('2026-11-30 11:00:00'), '15', localMs(asOf)),
      ];
      const body = JSON.stringify(provenPush(id, 'MALLA', records, 'mallchannel', id.nextSeq()));
      const res = await fetch(`${t.base}/huina/v1/traffic`, {
        method: 'POST',
        headers: caHeaders(t.cred.appId, t.cred.secret, 'POST', '/huina/v1/traffic', body),
        body,
      });
      return { status: res.status, body: (await res.json()) as { data: { results: { status: string }[] } } };
    };
    const early = await send('2026-11-30 10:20:00');
    expect(early.status).toBe(200);
    const late = await send('2026-11-30 11:00:00');
    expect(late.status).toBe(200);
    const statuses = late.body.data.results.map((r) => r.status);
    // Per entrance: 10:00 closed at 10:15 both times (stale), 10:15 was open at 10:20 (replaced), 10:30 and 10:45 new.
    expect(statuses.filter((s) => s === 'replaced')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(4);
    const rows = await t.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM huina_traffic_buckets WHERE site_key LIKE 'SIM-F1-_' AND modify_time = '2026-11-30 11:00:00+08'`,
    );
    expect(rows[0]?.n).toBe('2');
  });
});
