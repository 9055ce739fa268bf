/**
 * The consortium admin endpoints through the production application (real ConsortiumAdmin,
 * real Postgres) against the dev network: read-only calls only, the channel is left as it is.
 */
import { Client } from 'pg';
import { requireNetwork } from '../ledger/network';
import { call } from './support/http';
import { startRealApp, type RealApp } from './support/real-app';

interface ChannelListing {
  readonly channel: string;
  readonly heights: Record<string, number>;
  readonly members: string[];
  readonly orderers: string[];
}

interface ChaincodeStatus {
  readonly channel: string;
  readonly name: string;
  readonly committed: { sequence: number; version: string; approvals?: Record<string, boolean> } | null;
  readonly orgs: { mspId: string; approved: { sequence: number } | null }[];
}

describe('consortium admin endpoints on the dev network', () => {
  let app: RealApp;

  beforeAll(async () => {
    app = await startRealApp(requireNetwork());
  });
  afterAll(() => app.close());

  it('lists the channel with its members, orderers and every peer’s height', async () => {
    const res = await call<ChannelListing[]>(app.base, app.key, 'GET', '/v1/admin/consortium/channels');
    expect(res.status).toBe(200);
    const main = res.body.find((c) => c.channel === 'mallchannel');
    expect(main).toBeDefined();
    expect(main?.members).toEqual(expect.arrayContaining(['MallAMSP', 'MallBMSP']));
    expect(main?.orderers.length).toBeGreaterThan(0);
    const heights = Object.values(main?.heights ?? {});
    expect(heights.length).toBeGreaterThanOrEqual(2);
    for (const h of heights) expect(h).toBeGreaterThan(0);
  });

  it('shows the committed chaincode definition and each mall’s approval', async () => {
    const res = await call<ChaincodeStatus>(app.base, app.key, 'GET', '/v1/admin/consortium/chaincode');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'mallchannel', name: 'mallchain' });
    const committed = res.body.committed;
    expect(committed?.sequence).toBeGreaterThanOrEqual(1);
    expect(committed?.approvals).toMatchObject({ MallAMSP: true, MallBMSP: true });
    const mallA = res.body.orgs.find((o) => o.mspId === 'MallAMSP');
    expect(mallA?.approved?.sequence).toBe(committed?.sequence);
  });

  it('wrote one audit row per call, with the Fabric-side records', async () => {
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{
        operation: string;
        result: string;
        actor: string;
        steps: { operation: string }[];
      }>(`SELECT operation, result, actor, steps FROM consortium_audit_log ORDER BY started_at`);
      expect(rows.map((r) => [r.operation, r.result, r.actor])).toEqual([
        ['channel.list', 'ok', 'api-key:e2e@MallAMSP'],
        ['chaincode.status', 'ok', 'api-key:e2e@MallAMSP'],
      ]);
      expect(rows.map((r) => r.steps.map((s) => s.operation))).toEqual([['channel.list'], ['chaincode.status']]);
    } finally {
      await db.end();
    }
  });
});
