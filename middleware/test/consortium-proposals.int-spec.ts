import { AdminError } from '@mallchain/fabric-network';
import type { ConfigProposal } from '@mallchain/fabric-network';
import { OperationsService } from '../src/consortium/operations.service';
import { ProposalsService } from '../src/consortium/proposals.service';
import { FakeNetwork } from '../src/consortium/testing/fake-network';
import { BASE, type ConsortiumApp, startConsortiumApp } from './consortium-harness';
import { eventually } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('consortium proposals: create, sign with this mall’s admin, collect, submit', () => {
  let t: ConsortiumApp;
  let admin: string;

  beforeAll(async () => {
    t = await startConsortiumApp();
    admin = await t.key([...FORMER_ADMIN_SCOPES], 'ops');
  });
  afterAll(() => t.close());

  const proposalRows = (): Promise<
    { id: string; status: string; signatures: { mspId: string; recordedBy?: string }[] }[]
  > => t.db.query(`SELECT id, status, signatures FROM consortium_proposals ORDER BY created_at`);

  it.each([
    [{ kind: 'merge-malls', mall: 'MallC' }, /^kind must be one of the following values/],
    [{ kind: 'add-mall' }, /^mall must name a mall/],
    [{ kind: 'add-mall', mall: 'Mall C' }, /^mall must name a mall/],
    [{ kind: 'add-mall', mall: 'MallC', identity: 'x' }, /^identity: does not apply to a add-mall proposal/],
    [{ kind: 'add-mall', mall: 'MallC', channel: 'Bad Channel' }, /^channel must be a channel name/],
    [{ kind: 'revoke-identity', mall: 'MallA' }, /^identity must be an identity name/],
    [{ kind: 'channel-params' }, /^channel-params needs at least one of batchTimeout/],
    [{ kind: 'channel-params', batchTimeout: 'soon' }, /^batchTimeout must be a duration/],
    [{ kind: 'channel-params', maxMessageCount: 0 }, /^maxMessageCount must not be less than 1/],
    [{ kind: 'add-mall', mall: 'MallC', extra: true }, /^extra: property extra should not exist/],
  ])('refuses %j with 400 naming the field, stores nothing and audits the refusal', async (body, message) => {
    // Refusals before the service ran are counted per (actor, address, operation, reason) and minute.
    const refusals = async (): Promise<number> =>
      (await t.audit())
        .filter(
          (r) => r.operation === 'proposal.create' && r.result === 'refused' && r.actor === 'api-key:ops@MallAMSP',
        )
        .reduce((n, r) => n + r.count, 0);
    const before = await refusals();
    const res = await t.call('POST', `${BASE}/proposals`, admin, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await proposalRows()).toHaveLength(0);
    expect(await refusals()).toBe(before + 1);
  });

  it('refuses to revoke another mall’s identity (its CA signs the CRL) with 403', async () => {
    const res = await t.call('POST', `${BASE}/proposals`, admin, {
      kind: 'revoke-identity',
      mall: 'MallB',
      identity: 'x',
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/revokes identities of MallAMSP only/);
  });

  it('maps a library refusal at propose time (ALREADY_EXISTS → 409, INVALID_INPUT → 400)', async () => {
    const exists = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'add-mall', mall: 'MallB' });
    expect(exists.status).toBe(409);
    expect(exists.body.error).toBe('ALREADY_EXISTS');
    expect(exists.body.message).toMatch(/MallBMSP is already a member/);
    const invalid = await t.call('POST', `${BASE}/proposals`, admin, {
      kind: 'channel-params',
      maxMessageCount: 20000,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('INVALID_INPUT');
    const last = (await t.audit()).at(-1);
    expect(last).toMatchObject({ result: 'refused', error: { code: 'INVALID_INPUT', status: 400 } });
    expect(last?.steps).toEqual([expect.objectContaining({ operation: 'proposeChannelParams', result: 'refused' })]);
  });

  let proposal: ConfigProposal;

  it('admits MallC: propose, sign (MallA), refused while MallB is missing, import MallB’s copy, submit', async () => {
    const created = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'add-mall', mall: 'MallC' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      operation: 'add-mall',
      channel: 'mallchannel',
      status: 'open',
      signatures: [],
    });
    // The proposal carries the API key as its author (ConsortiumAdmin was made for this actor).
    expect(t.net.actors.at(-1)).toBe('api-key:ops@MallAMSP');

    const status0 = await t.call('GET', `${BASE}/proposals/${id}`, admin);
    expect(status0.status).toBe(200);
    expect(status0.body.check).toMatchObject({ ready: false, missing: ['MallAMSP', 'MallBMSP'] });

    const signed = await t.call('POST', `${BASE}/proposals/${id}/sign`, admin);
    expect(signed.status).toBe(200);
    expect(signed.body.signatures).toEqual([
      expect.objectContaining({ mspId: 'MallAMSP', role: 'admin', recordedBy: 'api-key:ops@MallAMSP' }),
    ]);
    const again = await t.call('POST', `${BASE}/proposals/${id}/sign`, admin);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('ALREADY_EXISTS');

    const status1 = await t.call('GET', `${BASE}/proposals/${id}`, admin);
    expect(status1.body.check).toMatchObject({
      ready: false,
      missing: ['MallBMSP'],
      blockedBy: { code: 'SIGNATURES_MISSING' },
    });

    const early = await t.call('POST', `${BASE}/proposals/${id}/submit`, admin);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'SIGNATURES_MISSING', details: { missing: ['MallBMSP'] } });
    expect(early.body.message).toMatch(/MallBMSP/);
    expect((await t.audit()).at(-1)).toMatchObject({
      operation: 'proposal.submit',
      result: 'refused',
      error: { code: 'SIGNATURES_MISSING', details: { missing: ['MallBMSP'] } },
    });

    // The file travels to Mall B, whose admin signs it there, and comes back.
    const file = await t.call('GET', `${BASE}/proposals/${id}/file`, admin);
    proposal = file.body as unknown as ConfigProposal;
    expect(proposal.signatures).toHaveLength(1);
    const fromB = t.net.sign(proposal, FakeNetwork.identity('MallBMSP'));
    const imported = await t.call('POST', `${BASE}/proposals/import`, admin, { proposal: fromB });
    expect(imported.status).toBe(201);
    expect(
      (imported.body.signatures as { mspId: string; recordedBy?: string }[]).map((s) => [s.mspId, s.recordedBy]),
    ).toEqual([
      ['MallAMSP', 'api-key:ops@MallAMSP'],
      ['MallBMSP', undefined],
    ]);
    // An older copy (without MallB's signature) cannot replace it.
    const stale = await t.call('POST', `${BASE}/proposals/import`, admin, { proposal });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/lacks: Admin@mallb.example.com \(MallBMSP\)/);

    const ready = await t.call('GET', `${BASE}/proposals/${id}`, admin);
    expect(ready.body.check).toMatchObject({ ready: true, missing: [], blockedBy: null });

    const submitted = await t.call('POST', `${BASE}/proposals/${id}/submit`, admin);
    expect(submitted.status).toBe(202);
    const opId = submitted.body.operationId as string;
    const op = await eventually(async () => {
      const r = await t.call('GET', `${BASE}/operations/${opId}`, admin);
      return r.body.status === 'running' ? undefined : r.body;
    });
    expect(op).toMatchObject({ status: 'succeeded', kind: 'proposal.submit', result: { sequence: 4 } });
    expect((op.progress as { line: string }[]).map((p) => p.line)).toEqual([
      'sending the update of mallchannel',
      'channel mallchannel config is now at sequence 4',
    ]);
    expect(t.net.channels.get('mallchannel')).toContain('MallCMSP');
    const rows = await proposalRows();
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'submitted' });
    const submitAudit = (await t.audit()).filter((r) => r.operation === 'proposal.submit');
    expect(submitAudit.map((r) => r.result)).toEqual(['refused', 'ok']);
    expect(submitAudit[1]?.outcome).toMatchObject({ sequence: 4, operationId: opId });
    expect(submitAudit[1]?.steps.map((s) => s.operation)).toEqual(['proposalStatus', 'submitProposal']);

    const twice = await t.call('POST', `${BASE}/proposals/${id}/submit`, admin);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/is submitted; it cannot be submitted again/);
    const signLate = await t.call('POST', `${BASE}/proposals/${id}/sign`, admin);
    expect(signLate.status).toBe(409);
  });

  it('refuses a stale proposal (the channel changed since) with STALE_PROPOSAL 409', async () => {
    const created = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'remove-mall', mall: 'MallC' });
    const id = created.body.id as string;
    t.net.configSequence += 1;
    const res = await t.call('POST', `${BASE}/proposals/${id}/submit`, admin);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('STALE_PROPOSAL');
  });

  it('refuses a proposal carrying a client’s signature with NOT_ADMIN 403 naming the signer', async () => {
    const created = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'channel-params', batchTimeout: '1s' });
    const id = created.body.id as string;
    const file = (await t.call('GET', `${BASE}/proposals/${id}/file`, admin)).body as unknown as ConfigProposal;
    // A client's signature smuggled into the envelope (the fake's envelope is the signer list).
    const smuggled = {
      ...file,
      envelope: Buffer.from(
        JSON.stringify([{ mspId: 'OrdererMSP', subject: 'User1@orderer', role: 'client' }]),
      ).toString('base64'),
      signatures: [
        { mspId: 'OrdererMSP', subject: 'User1@orderer', role: 'client', signedAt: new Date().toISOString() },
      ],
    };
    expect((await t.call('POST', `${BASE}/proposals/import`, admin, { proposal: smuggled })).status).toBe(201);
    t.net.failures.set(
      'proposalStatus',
      new AdminError('NOT_ADMIN', 'the signature by User1@orderer (OrdererMSP) does not count', {
        signer: 'User1@orderer (OrdererMSP)',
      }),
    );
    const res = await t.call('POST', `${BASE}/proposals/${id}/submit`, admin);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'NOT_ADMIN', details: { signer: 'User1@orderer (OrdererMSP)' } });
  });

  it('answers 404 for an unknown proposal and 400 for a malformed id or file', async () => {
    const unknown = await t.call('GET', `${BASE}/proposals/6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f`, admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('proposal 6f1c1f4e-1d1e-4a55-9a43-1f4c1b2d3e4f does not exist');
    const badId = await t.call('POST', `${BASE}/proposals/not-a-uuid/sign`, admin);
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/uuid/);
    const badFile = await t.call('POST', `${BASE}/proposals/import`, admin, { proposal: { format: 'x' } });
    expect(badFile.status).toBe(400);
    expect(badFile.body.error).toBe('INVALID_INPUT');
    expect(badFile.body.message).toMatch(/field format must be/);
    const notObject = await t.call('POST', `${BASE}/proposals/import`, admin, { proposal: 'x' });
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toMatch(/^proposal must be an object/);
    const rows = (await t.audit()).slice(-4);
    expect(rows.map((r) => [r.operation, r.result])).toEqual([
      ['proposal.status', 'refused'],
      ['proposal.sign', 'refused'],
      ['proposal.import', 'refused'],
      ['proposal.import', 'refused'],
    ]);
  });

  it('lists stored proposals', async () => {
    const res = await t.app.inject({ url: `${BASE}/proposals`, headers: { 'x-api-key': admin } });
    expect(res.statusCode).toBe(200);
    const list = res.json<{ operation: string; status: string }[]>();
    expect(list.map((p) => p.operation).sort()).toEqual(['add-mall', 'channel-params', 'remove-mall']);
  });

  it('after a restart, marks operations left running failed and reopens proposals left submitting', async () => {
    const created = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'channel-params', maxMessageCount: 50 });
    const id = created.body.id as string;
    await t.db.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [id]);
    await t.db.query(
      `INSERT INTO consortium_operations (id, kind, status, actor, target, started_at)
       VALUES ('0b6f7f0e-3c43-4f5e-9d0e-7a1c2b3d4e5f', 'proposal.submit', 'running', 'x', '{}', now())`,
    );
    // What a fresh process does at start.
    await t.app.get(OperationsService).onApplicationBootstrap();
    await t.app.get(ProposalsService).onApplicationBootstrap();
    const op = await t.call('GET', `${BASE}/operations/0b6f7f0e-3c43-4f5e-9d0e-7a1c2b3d4e5f`, admin);
    expect(op.body).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    expect((await proposalRows()).find((r) => r.id === id)?.status).toBe('open');
  });
});
