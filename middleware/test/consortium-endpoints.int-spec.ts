import { AdminError, NetworkError } from '@mallchain/fabric-network';
import { BASE, type ConsortiumApp, startConsortiumApp } from './consortium-harness';
import { eventually } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('consortium endpoints: channels, orgs, chaincode, identities, operations, audit', () => {
  let t: ConsortiumApp;
  let admin: string;

  beforeAll(async () => {
    t = await startConsortiumApp();
    admin = await t.key([...FORMER_ADMIN_SCOPES], 'ops');
  });
  afterAll(() => t.close());

  const finished = (id: string): Promise<Record<string, unknown>> =>
    eventually(async () => {
      const r = await t.call('GET', `${BASE}/operations/${id}`, admin);
      return r.body.status === 'running' ? undefined : r.body;
    });

  it('lists channels and shows one in readable form; an unknown channel is 404, a bad name 400', async () => {
    const list = await t.call('GET', `${BASE}/channels`, admin);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ channel: 'mallchannel', members: ['MallAMSP', 'MallBMSP'] })]);
    const show = await t.call('GET', `${BASE}/channels/mallchannel`, admin);
    expect(show.body).toMatchObject({ channel: 'mallchannel', batch: { timeout: '2s' } });
    const unknown = await t.call('GET', `${BASE}/channels/nowhere`, admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'NOT_FOUND', message: 'NOT_FOUND: channel nowhere does not exist' });
    const bad = await t.call('GET', `${BASE}/channels/Bad_Name`, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^name: Bad_Name is not a channel name/);
    const rows = (await t.audit()).slice(-4);
    expect(rows.map((r) => [r.operation, r.result, r.target.channel ?? r.target.name])).toEqual([
      ['channel.list', 'ok', undefined],
      ['channel.show', 'ok', 'mallchannel'],
      ['channel.show', 'refused', 'nowhere'],
      ['channel.show', 'refused', 'Bad_Name'],
    ]);
    expect(rows[0]).toMatchObject({ actor: 'api-key:ops@MallAMSP', actor_key_name: 'ops', actor_msp_id: 'MallAMSP' });
    expect(rows[0]?.outcome).toEqual({ channels: 1 });
    expect(rows[0]?.steps).toEqual([expect.objectContaining({ operation: 'listChannels', result: 'ok' })]);
  });

  it.each([
    [{ malls: ['MallA'] }, /^name must be a channel name/],
    [{ name: 'east', malls: [] }, /^malls must contain at least 1 elements/],
    [{ name: 'east', malls: ['Mall A'] }, /^malls must name malls/],
    [{ name: 'east', malls: 'MallA' }, /^malls must be an array/],
  ])('refuses channel create %j with 400 naming the field, no operation started', async (body, message) => {
    const res = await t.call('POST', `${BASE}/channels`, admin, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    const ops = await t.db.query<unknown[]>(`SELECT 1 FROM consortium_operations`);
    expect(ops).toHaveLength(0);
    expect((await t.audit()).at(-1)).toMatchObject({ operation: 'channel.create', result: 'refused' });
  });

  it('creates a channel as a 202 operation with progress lines; a second long operation meanwhile is 409', async () => {
    let release = (): void => undefined;
    t.net.hold = new Promise((r) => (release = r));
    const res = await t.call('POST', `${BASE}/channels`, admin, { name: 'east', malls: ['MallA', 'MallBMSP'] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'running',
      statusUrl: `${BASE}/operations/${res.body.operationId as string}`,
    });
    const id = res.body.operationId as string;
    const running = await eventually(async () => {
      const r = await t.call('GET', `${BASE}/operations/${id}`, admin);
      return (r.body.progress as unknown[]).length > 0 ? r.body : undefined;
    });
    expect(running).toMatchObject({ status: 'running', progress: [{ line: 'genesis block for east' }] });

    const busy = await t.call('POST', `${BASE}/chaincode/upgrade`, admin, {});
    expect(busy.status).toBe(409);
    expect(busy.body.message).toMatch(new RegExp(`another consortium operation is running \\(channel.create ${id}\\)`));

    release();
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'succeeded', result: { channel: 'east' } });
    expect((done.progress as { line: string }[]).map((p) => p.line)).toEqual([
      'genesis block for east',
      'MallAMSP, MallBMSP joined east',
    ]);
    const rows = (await t.audit()).filter((r) => r.operation === 'channel.create' && r.result === 'ok');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toEqual({ channel: 'east', orgs: 'MallAMSP,MallBMSP', operationId: id });
    expect((await t.audit()).filter((r) => r.operation === 'chaincode.upgrade').map((r) => r.result)).toEqual([
      'refused',
    ]);
  });

  it('records a refusal inside an operation (ALREADY_EXISTS) as a failed operation and a refused audit row', async () => {
    const res = await t.call('POST', `${BASE}/channels`, admin, { name: 'east', malls: ['MallA'] });
    expect(res.status).toBe(202);
    const done = await finished(res.body.operationId as string);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'ALREADY_EXISTS', status: 409 } });
    const creates = (await t.audit()).filter((r) => r.operation === 'channel.create');
    expect(creates.at(-1)).toMatchObject({ result: 'refused', error: { code: 'ALREADY_EXISTS' } });
  });

  it('lists orgs and shows the chaincode status', async () => {
    const orgs = await t.call('GET', `${BASE}/orgs`, admin);
    expect(orgs.status).toBe(200);
    expect((orgs.body as unknown as { mspId: string }[]).map((o) => o.mspId)).toEqual(['MallAMSP', 'MallBMSP']);
    const cc = await t.call('GET', `${BASE}/chaincode`, admin);
    expect(cc.status).toBe(200);
    expect(cc.body).toMatchObject({ name: 'mallchain', committed: { sequence: 1 } });
  });

  it('upgrades the chaincode and changes the endorsement policy as operations; bad bodies are 400', async () => {
    const badVersion = await t.call('POST', `${BASE}/chaincode/upgrade`, admin, { version: 'v 2' });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.message).toMatch(/^version must be letters/);
    const up = await t.call('POST', `${BASE}/chaincode/upgrade`, admin, { version: '0.2.0' });
    expect(up.status).toBe(202);
    expect(await finished(up.body.operationId as string)).toMatchObject({
      status: 'succeeded',
      result: { definition: { sequence: 2, version: '0.2.0' } },
    });

    const noPolicy = await t.call('PUT', `${BASE}/chaincode/endorsement-policy`, admin, {});
    expect(noPolicy.status).toBe(400);
    expect(noPolicy.body.message).toMatch(/^policy must be a string/);
    const wrong = await t.call('PUT', `${BASE}/chaincode/endorsement-policy`, admin, { policy: 'everyone' });
    expect(wrong.status).toBe(202);
    const refused = await finished(wrong.body.operationId as string);
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect((refused.error as { message: string }).message).toMatch(/must be AND\(...\)/);
    const ok = await t.call('PUT', `${BASE}/chaincode/endorsement-policy`, admin, { policy: 'default' });
    expect(await finished(ok.body.operationId as string)).toMatchObject({ status: 'succeeded' });
    const rows = (await t.audit()).filter((r) => r.operation === 'chaincode.endorsement-policy');
    expect(rows.map((r) => [r.result, r.target.signaturePolicy])).toEqual([
      ['refused', undefined],
      ['refused', 'everyone'],
      ['ok', null],
    ]);
  });

  it('issues a client identity for this mall only; a repeat is 409, a bad name 400', async () => {
    const res = await t.call('POST', `${BASE}/identities`, admin, { name: 'mw2' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'mw2', role: 'client' });
    expect(t.net.identities.has('MallAMSP/mw2')).toBe(true);
    const again = await t.call('POST', `${BASE}/identities`, admin, { name: 'mw2' });
    expect(again.status).toBe(409);
    const bad = await t.call('POST', `${BASE}/identities`, admin, { name: 'MW 2' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^name must be lower case/);
    const other = await t.call('POST', `${BASE}/identities`, admin, { name: 'x', mall: 'MallB' });
    expect(other.status).toBe(400);
    expect(other.body.message).toMatch(/^mall: property mall should not exist/);
  });

  it.each([
    [new AdminError('NOT_READY', 'peer0.mall-c is at block 3'), 503, 'NOT_READY', 'failed'],
    [new AdminError('NOT_FOUND', 'no network in /x'), 404, 'NOT_FOUND', 'refused'],
    [new AdminError('INVALID_INPUT', 'bad'), 400, 'INVALID_INPUT', 'refused'],
    [new AdminError('ALREADY_EXISTS', 'twice'), 409, 'ALREADY_EXISTS', 'refused'],
    [new AdminError('STALE_PROPOSAL', 'old'), 409, 'STALE_PROPOSAL', 'refused'],
    [new AdminError('NOT_ADMIN', 'client', { signer: 'User1 (MallAMSP)' }), 403, 'NOT_ADMIN', 'refused'],
    [new AdminError('SIGNATURES_MISSING', 'b', { missing: ['MallBMSP'] }), 409, 'SIGNATURES_MISSING', 'refused'],
    [
      new NetworkError('orderer 127.0.0.1:7050 unreachable', { hint: 'is the network up?' }),
      502,
      'FABRIC_COMMAND_FAILED',
      'failed',
    ],
    [new Error('boom'), 500, 'INTERNAL', 'failed'],
  ])('maps %s to HTTP %i and audits it as %s/%s', async (error, status, code, result) => {
    t.net.failures.set('chaincodeStatus', error);
    const res = await t.call('GET', `${BASE}/chaincode`, admin);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(code);
    if (error instanceof AdminError) {
      expect(res.body.message).toBe(error.message);
      if (error.details.missing) expect(res.body.details).toEqual({ missing: ['MallBMSP'] });
      if (error.details.signer) expect(res.body.details).toEqual({ signer: 'User1 (MallAMSP)' });
    }
    if (error instanceof NetworkError) expect(res.body.details).toEqual({ hint: 'is the network up?' });
    if (code === 'INTERNAL') expect(res.body.message).toBe('internal error');
    expect((await t.audit()).at(-1)).toMatchObject({ operation: 'chaincode.status', result, error: { code, status } });
  });

  it('pages the audit log, newest first, filtered by operation and result; bad paging is 400', async () => {
    const all = await t.call('GET', `${BASE}/audit?limit=200`, admin);
    const total = all.body.total as number;
    expect(total).toBeGreaterThan(20);
    // channel.show rows are not written any more by now: a stable set to page through.
    const shows = `${BASE}/audit?operation=channel.show&limit=2`;
    const page1 = await t.call('GET', shows, admin);
    expect(page1.body).toMatchObject({ limit: 2, offset: 0, total: 3 });
    const page2 = await t.call('GET', `${shows}&offset=2`, admin);
    const ids1 = (page1.body.items as { id: string }[]).map((i) => i.id);
    const ids2 = (page2.body.items as { id: string }[]).map((i) => i.id);
    expect(ids2).toHaveLength(1);
    expect(ids1.filter((i) => ids2.includes(i))).toEqual([]);
    const starts = [
      ...(page1.body.items as { startedAt: string }[]),
      ...(page2.body.items as { startedAt: string }[]),
    ].map((i) => i.startedAt);
    expect([...starts].sort().reverse()).toEqual(starts);
    const refusedShows = await t.call('GET', `${BASE}/audit?operation=channel.show&result=refused`, admin);
    expect(refusedShows.body.total).toBe(2);
    const bad = await t.call('GET', `${BASE}/audit?limit=0`, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^limit must not be less than 1/);
    const badResult = await t.call('GET', `${BASE}/audit?result=maybe`, admin);
    expect(badResult.status).toBe(400);
    expect(badResult.body.message).toMatch(/^result must be one of/);
  });

  it('answers 404 for an unknown operation and 400 for a malformed id', async () => {
    const unknown = await t.call('GET', `${BASE}/operations/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f`, admin);
    expect(unknown.status).toBe(404);
    const bad = await t.call('GET', `${BASE}/operations/42`, admin);
    expect(bad.status).toBe(400);
  });
});
