import { BASE, type ConsortiumApp, startConsortiumApp } from './consortium-harness';

/** Every consortium endpoint, with a body good enough to pass validation. */
const ENDPOINTS: readonly { method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown; operation: string }[] = [
  { method: 'GET', url: `${BASE}/channels`, operation: 'channel.list' },
  { method: 'GET', url: `${BASE}/channels/mallchannel`, operation: 'channel.show' },
  { method: 'POST', url: `${BASE}/channels`, body: { name: 'east', malls: ['MallA'] }, operation: 'channel.create' },
  { method: 'GET', url: `${BASE}/orgs`, operation: 'org.list' },
  { method: 'GET', url: `${BASE}/proposals`, operation: 'proposal.list' },
  { method: 'POST', url: `${BASE}/proposals`, body: { kind: 'add-mall', mall: 'MallC' }, operation: 'proposal.create' },
  { method: 'POST', url: `${BASE}/proposals/import`, body: { proposal: {} }, operation: 'proposal.import' },
  { method: 'GET', url: `${BASE}/proposals/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f`, operation: 'proposal.status' },
  { method: 'GET', url: `${BASE}/proposals/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f/file`, operation: 'proposal.export' },
  { method: 'POST', url: `${BASE}/proposals/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f/sign`, operation: 'proposal.sign' },
  {
    method: 'POST',
    url: `${BASE}/proposals/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f/submit`,
    operation: 'proposal.submit',
  },
  { method: 'GET', url: `${BASE}/chaincode`, operation: 'chaincode.status' },
  { method: 'POST', url: `${BASE}/chaincode/upgrade`, body: {}, operation: 'chaincode.upgrade' },
  {
    method: 'PUT',
    url: `${BASE}/chaincode/endorsement-policy`,
    body: { policy: 'default' },
    operation: 'chaincode.endorsement-policy',
  },
  { method: 'POST', url: `${BASE}/identities`, body: { name: 'mw2' }, operation: 'identity.issue' },
  { method: 'GET', url: `${BASE}/operations/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f`, operation: 'operation.show' },
  { method: 'GET', url: `${BASE}/audit`, operation: 'audit.list' },
];

describe('consortium endpoints: authentication and the consortium:admin scope', () => {
  let t: ConsortiumApp;
  let pointsKey: string;

  beforeAll(async () => {
    t = await startConsortiumApp();
    pointsKey = await t.key(['points:read', 'points:write'], 'pos');
  });
  afterAll(() => t.close());

  it.each(ENDPOINTS)(
    '$method $url: 401 without a key, 403 without the consortium:admin scope, both audited',
    async (e) => {
      const before = (await t.audit()).length;
      const anonymous = await t.call(e.method, e.url, undefined, e.body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.message).toMatch(/missing API key/);
      const wrongScope = await t.call(e.method, e.url, pointsKey, e.body);
      expect(wrongScope.status).toBe(403);
      expect(wrongScope.body.message).toBe('API key lacks scope consortium:admin');

      const rows = (await t.audit()).slice(before);
      expect(rows.map((r) => [r.operation, r.result, r.actor, r.error?.code])).toEqual([
        [e.operation, 'refused', 'anonymous', 'UNAUTHORIZED'],
        [e.operation, 'refused', 'anonymous', 'FORBIDDEN'],
      ]);
      // Nothing reached the Fabric side.
      expect(t.net.records).toHaveLength(0);
    },
  );

  it('refuses a key of another mall with 403 and an audit row', async () => {
    const [row] = await t.db.query<{ id: string }[]>(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes)
       VALUES ('MallBMSP', 'b-ops', 'x', encode(sha256('mck_b_key'::bytea), 'hex'), '{consortium:admin}') RETURNING id`,
    );
    expect(row).toBeDefined();
    const res = await t.call('GET', `${BASE}/channels`, 'mck_b_key');
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/belongs to MallBMSP/);
    const rows = (await t.audit()).filter((r) => /belongs to MallBMSP/.test(r.error?.message ?? ''));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      operation: 'channel.list',
      result: 'refused',
      error: { code: 'FORBIDDEN' },
      count: 1,
    });
  });
});
