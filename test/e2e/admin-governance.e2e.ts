/**
 * Multi-party governance on a real network of its own (issue 6), beyond admitting a mall:
 * block-cutting parameters need the orderer org's admin; a client identity issued for a
 * mall's middleware works until its mall's admin revokes it; a majority of admins removes
 * MallC (its peer stops, its identities are refused); a second channel is created for two
 * malls; MallC is admitted again. One network for every scenario, in a temporary home on
 * its own ports.
 */
import { readFileSync } from 'node:fs';
import { NetworkDescription } from '../../fabric-network/src';
import { isAlive, portIsFree, runningPid } from '../../fabric-network/src/processes';
import { eventually, refusal } from '../support/admin-expect';
import { AdminNetwork, admitMall, startAdminNetwork, stopAdminNetwork, userWithMsp } from '../support/admin-network';
import { ChainUser, userOf } from '../support/chain-call';
import { uniqueSuffix } from '../support/chain-keys';
import { GOVERNANCE_PORT_BASES } from '../support/ports';

jest.setTimeout(240_000);

const A = 'MallAMSP';
const B = 'MallBMSP';
const C = 'MallCMSP';
const PEER_A = 'peer0.mall-a.example.com';
const PEER_B = 'peer0.mall-b.example.com';
const PEER_C = 'peer0.mall-c.example.com';

describe('consortium governance: parameters, identities, removing a mall, new channel (own real network)', () => {
  let n: AdminNetwork | undefined;
  let d: NetworkDescription;
  const users: ChainUser[] = [];
  const track = (u: ChainUser): ChainUser => {
    users.push(u);
    return u;
  };
  const user = (mspId: string, role: 'admin' | 'client', peerOrg = mspId): ChainUser =>
    track(userOf(d, mspId, role, peerOrg));
  const net = (): AdminNetwork => {
    if (!n) throw new Error('network not started');
    return n;
  };
  const s = uniqueSuffix();
  let noteCount = 0;
  const writtenWithoutC: { id: string; text: string }[] = [];
  const note = (text: string): { id: string; text: string } => ({ id: `gov-${s}-${String(++noteCount)}`, text });

  beforeAll(async () => {
    n = await startAdminNetwork(GOVERNANCE_PORT_BASES);
    const admitted = await admitMall(n, 'MallC', [A, B], A);
    expect(admitted.followUp).toEqual([`${PEER_C} started and joined mallchannel`]);
    d = n.description();
    expect(Object.keys(d.orgs)).toEqual([A, B, C]);
  });

  afterAll(async () => {
    for (const u of users) u.close();
    await stopAdminNetwork(n);
  });

  it('onboards MallC again without changing anything (mall onboard is repeatable)', async () => {
    const before = await net().admin.chaincodeStatus();
    await expect(net().admin.onboardMall('MallC')).resolves.toBe(C);
    expect(net().progress).toContain('MallCMSP has already approved mallchain sequence 1');
    const after = await net().admin.chaincodeStatus();
    expect(after.committed).toEqual(before.committed);
    expect(after.orgs.find((o) => o.mspId === C)?.approved).toEqual(before.orgs.find((o) => o.mspId === C)?.approved);
  });

  it('changes batch timeout and size only once the orderer org admin signed', async () => {
    const admin = net().admin;
    const before = await admin.showChannel();
    expect(before.batch.timeout).toBe('250ms');

    const bad = await refusal(admin.proposeChannelParams({ batchTimeout: '5 seconds' }));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.message).toContain('batch timeout 5 seconds is not a duration');

    let p = await admin.proposeChannelParams({ batchTimeout: '500ms', maxMessageCount: 20 });
    const rival = await admin.proposeChannelParams({ maxMessageCount: 30 });
    expect(p.operation).toEqual({ kind: 'channel-params', batchTimeout: '500ms', maxMessageCount: 20 });
    expect(p.requiredPolicies).toEqual(['/Channel/Orderer/Admins: MAJORITY Admins of OrdererOrg (1 needed)']);
    expect(p.changes).toHaveLength(2);
    expect(p.changes).toContain(
      'changed value Channel/Orderer/BatchTimeout: {"timeout":"250ms"} -> {"timeout":"500ms"}',
    );

    // Every mall's admin signing is not enough: the Orderer group belongs to the orderer org.
    p = await admin.signProposal(p, A);
    p = await admin.signProposal(p, B);
    const missing = await refusal(admin.submitProposal(p, C));
    expect(missing.code).toBe('SIGNATURES_MISSING');
    expect(missing.details.missing).toEqual(['OrdererOrg']);
    expect(missing.message).toContain(
      '/Channel/Orderer/Admins (MAJORITY Admins of OrdererOrg (1 needed)) still needs signatures of the Admins of OrdererOrg (signed by MallAMSP, MallBMSP, MallCMSP)',
    );
    const unchanged = await admin.showChannel();
    expect(unchanged.configSequence).toBe(before.configSequence);
    expect(unchanged.batch).toEqual(before.batch);

    p = await admin.signProposal(p, 'OrdererMSP');
    expect((await admin.proposalStatus(p, A)).ready).toBe(true);
    const submitted = await admin.submitProposal(p, A);
    expect(submitted.sequence).toBe(before.configSequence + 1);
    expect(submitted.followUp).toEqual([]);

    const after = await admin.showChannel();
    expect(after.batch).toEqual({ ...before.batch, timeout: '500ms', maxMessageCount: 20 });

    // A proposal made before this change is stale now, even with the right signature.
    const stale = await refusal(admin.submitProposal(await admin.signProposal(rival, 'OrdererMSP'), A));
    expect(stale.code).toBe('STALE_PROPOSAL');
    expect((await admin.showChannel()).batch.maxMessageCount).toBe(20);

    // Blocks are still cut with the new parameters.
    await expect(
      eventually(() => user(A, 'client').submit('info:PutNote', note('after params'))),
    ).resolves.toMatchObject({ writtenBy: A });
  });

  it("issues a client identity for MallA's middleware and revokes it with MallA's admin signature", async () => {
    const admin = net().admin;
    const issued = await admin.issueClientIdentity('MallA', 'middleware');
    expect(issued).toMatchObject({ name: 'middleware@mall-a.example.com', role: 'client', revoked: false });
    expect((await refusal(admin.issueClientIdentity('MallA', 'middleware'))).code).toBe('ALREADY_EXISTS');
    const badName = await refusal(admin.issueClientIdentity('MallA', 'mid dleware'));
    expect(badName.code).toBe('INVALID_INPUT');
    expect(badName.message).toContain('identity name mid dleware must start with a letter');

    const middleware = track(userWithMsp(d, A, issued.mspDir));
    await expect(
      eventually(() => middleware.submit('info:PutNote', note('from the middleware'))),
    ).resolves.toMatchObject({ writtenBy: A });

    let p = await admin.proposeRevokeIdentity('MallA', 'middleware');
    expect(p.operation).toEqual({ kind: 'revoke-identity', mspId: A, identity: issued.name, serial: issued.serial });
    expect(p.requiredPolicies).toEqual(['/Channel/Application/MallAMSP/Admins: signature by MallAMSP.admin']);
    expect(p.changes).toEqual(['changed value Channel/Application/MallAMSP/MSP: changed config.revocation_list']);

    // Another mall's admin cannot revoke MallA's identities.
    p = await admin.signProposal(p, B);
    const missing = await refusal(admin.submitProposal(p, B));
    expect(missing.code).toBe('SIGNATURES_MISSING');
    expect(missing.details.missing).toEqual(['MallAMSP.admin']);
    expect(missing.message).toContain('still needs a signature by MallAMSP.admin (signed by MallBMSP)');
    const channelBefore = await admin.showChannel();
    expect(channelBefore.orgs.find((o) => o.mspId === A)?.revokedCertificates).toBe(0);
    await expect(middleware.submit('info:PutNote', note('not revoked yet'))).resolves.toMatchObject({ writtenBy: A });

    p = await admin.signProposal(p, A);
    const submitted = await admin.submitProposal(p, B);
    expect(submitted.sequence).toBe(channelBefore.configSequence + 1);
    expect((await admin.showChannel()).orgs.find((o) => o.mspId === A)?.revokedCertificates).toBe(1);

    // The peer refuses the revoked identity once it has the new config block.
    const refused = await eventually(() => middleware.refused('info:PutNote', note('after revocation')));
    expect(refused).toContain('access denied: channel [mallchannel] creator org [MallAMSP]');
    // The peer's log says why: the certificate is in MallA's revocation list.
    expect(readFileSync(net().network.paths.log(PEER_A), 'utf8')).toContain('The certificate has been revoked');
    await expect(user(A, 'client').submit('info:PutNote', note('User1 still works'))).resolves.toMatchObject({
      writtenBy: A,
    });
    await expect(user(A, 'admin').submit('info:PutNote', note('Admin still works'))).resolves.toMatchObject({
      writtenBy: A,
    });

    const mallA = (await admin.listOrgs()).find((o) => o.mspId === A);
    expect(mallA?.identities.find((i) => i.name === issued.name)?.revoked).toBe(true);
    expect(mallA?.identities.filter((i) => i.revoked)).toHaveLength(1);
  });

  it('removes MallC with a majority of admins: its peer stops and its client is refused', async () => {
    const admin = net().admin;
    const withC = d;
    // MallC's client, through MallA's gateway, so that stopping MallC's peer is not why it fails later.
    const cViaA = user(C, 'client', A);
    await expect(eventually(() => cViaA.submit('info:PutNote', note('MallC before removal')))).resolves.toMatchObject({
      writtenBy: C,
    });
    const cPid = runningPid(net().network.paths.pid(PEER_C));
    expect(cPid).toBeDefined();

    let p = await admin.proposeRemoveMall('MallC');
    expect(p.operation).toEqual({ kind: 'remove-mall', mspId: C });
    expect(p.changes).toEqual(['removed group Channel/Application/MallCMSP']);
    expect(p.requiredPolicies).toEqual([
      '/Channel/Application/Admins: MAJORITY Admins of MallAMSP, MallBMSP, MallCMSP (2 needed)',
    ]);
    p = await admin.signProposal(p, C);
    const missing = await refusal(admin.submitProposal(p, C));
    expect(missing.code).toBe('SIGNATURES_MISSING');
    expect(missing.details.missing).toEqual([A, B]);
    expect(missing.message).toContain(
      'still needs signatures of the Admins of 1 more of MallAMSP, MallBMSP (signed by MallCMSP)',
    );
    expect((await admin.showChannel()).orgs.map((o) => o.mspId)).toContain(C);
    expect(isAlive(cPid ?? 0)).toBe(true);

    p = await admin.signProposal(p, A);
    const submitted = await admin.submitProposal(p, B);
    expect(submitted.followUp).toEqual([`${PEER_C} stopped; ${C} removed from the network record`]);

    expect(isAlive(cPid ?? 0)).toBe(false);
    await expect(portIsFree(net().settings.portBase + 121)).resolves.toBe(true);
    const summary = await admin.showChannel();
    expect(summary.orgs.filter((o) => o.section === 'Application').map((o) => o.mspId)).toEqual([A, B]);
    expect(summary.policies['/Channel/Application/Admins']).toBe('MAJORITY Admins of MallAMSP, MallBMSP (2 needed)');
    d = net().description();
    expect(Object.keys(d.orgs)).toEqual([A, B]);
    expect(Object.keys(withC.orgs)).toEqual([A, B, C]);

    const refused = await eventually(() => cViaA.refused('info:PutNote', note('MallC after removal')));
    expect(refused).toContain('access denied: channel [mallchannel] creator org unknown');
    for (const mspId of [A, B]) {
      const written = note(`${mspId} after removal`);
      await expect(eventually(() => user(mspId, 'client').submit('info:PutNote', written))).resolves.toMatchObject({
        writtenBy: mspId,
      });
      writtenWithoutC.push(written);
    }
  });

  it('creates channel district2 for MallA and MallB: orderer and both peers joined', async () => {
    const admin = net().admin;
    const badName = await refusal(admin.createChannel('District 2', ['MallA', 'MallB']));
    expect(badName.code).toBe('INVALID_INPUT');
    expect(badName.message).toContain('District 2 is not a valid channel name');
    expect((await refusal(admin.createChannel('district3', []))).code).toBe('INVALID_INPUT');
    const removed = await refusal(admin.createChannel('district3', ['MallA', 'MallC']));
    expect(removed.code).toBe('NOT_FOUND');
    expect(removed.message).toContain('MallCMSP is not a mall of this network');

    const created = await admin.createChannel('district2', ['MallA', 'MallB']);
    expect(created).toMatchObject({ channel: 'district2', configSequence: 0, configBlock: 0 });
    expect(created.orgs.filter((o) => o.section === 'Application').map((o) => o.mspId)).toEqual([A, B]);
    expect(created.policies['/Channel/Application/Admins']).toBe('MAJORITY Admins of MallAMSP, MallBMSP (2 needed)');
    const orderer = `127.0.0.1:${net().settings.portBase + 50}`;
    expect(created.consensus.consenters).toEqual([orderer]);
    // The org definitions come from the orgs' MSP folders, so MallA's revocation carries over.
    expect(created.orgs.find((o) => o.mspId === A)?.revokedCertificates).toBe(1);

    const again = await refusal(admin.createChannel('district2', ['MallA', 'MallB']));
    expect(again.code).toBe('ALREADY_EXISTS');

    const listed = await admin.listChannels();
    expect(listed.map((c) => c.channel)).toEqual(['district2', 'mallchannel']);
    expect(listed[0]).toEqual({
      channel: 'district2',
      heights: { [PEER_A]: 1, [PEER_B]: 1 },
      unreachable: {},
      members: [A, B],
      orderers: [orderer],
    });
    const main = listed[1];
    expect(main?.members).toEqual([A, B]);
    expect(Object.keys(main?.heights ?? {})).toEqual([PEER_A, PEER_B]);
    for (const h of Object.values(main?.heights ?? {})) expect(h).toBeGreaterThan(5);
  });

  it('admits the removed MallC again: its peer restarts with its ledger, catches up and transacts', async () => {
    const admitted = await admitMall(net(), 'MallC', [A, B], B);
    expect(admitted.followUp).toEqual([`${PEER_C} started and joined mallchannel`]);
    d = net().description();
    expect(Object.keys(d.orgs)).toEqual([A, B, C]);
    const cClient = user(C, 'client');
    for (const written of writtenWithoutC) {
      await expect(eventually(() => cClient.query('info:GetNote', written.id))).resolves.toMatchObject({
        text: written.text,
      });
    }
    await expect(eventually(() => cClient.submit('info:PutNote', note('MallC is back')))).resolves.toMatchObject({
      writtenBy: C,
    });
    // district2 was made for MallA and MallB only; MallC is back on mallchannel alone.
    const listed = await net().admin.listChannels();
    expect(listed.find((c) => c.channel === 'district2')?.members).toEqual([A, B]);
    expect(listed.find((c) => c.channel === 'mallchannel')?.members).toEqual([A, B, C]);
    expect(Object.keys(listed.find((c) => c.channel === 'mallchannel')?.heights ?? {})).toEqual([
      PEER_A,
      PEER_B,
      PEER_C,
    ]);
  });

  it('recorded every governance operation, refusals included', () => {
    const records = net().audit;
    const submits = records.filter((r) => r.operation === 'proposal.submit');
    expect(submits.map((r) => [r.target.kind, r.result, r.error?.code ?? null])).toEqual([
      ['add-mall', 'ok', null],
      ['channel-params', 'refused', 'SIGNATURES_MISSING'],
      ['channel-params', 'ok', null],
      ['channel-params', 'refused', 'STALE_PROPOSAL'],
      ['revoke-identity', 'refused', 'SIGNATURES_MISSING'],
      ['revoke-identity', 'ok', null],
      ['remove-mall', 'refused', 'SIGNATURES_MISSING'],
      ['remove-mall', 'ok', null],
      ['add-mall', 'ok', null],
    ]);
    expect(records.find((r) => r.operation === 'mall.onboard')).toMatchObject({
      result: 'ok',
      target: { mall: 'MallC' },
    });
    const creates = records.filter((r) => r.operation === 'channel.create');
    expect(creates.map((r) => r.result)).toEqual(['refused', 'refused', 'refused', 'ok', 'refused']);
    expect(records.filter((r) => r.operation === 'identity.issue').map((r) => r.result)).toEqual([
      'ok',
      'refused',
      'refused',
    ]);
    for (const r of records) expect(r.actor).toBe('e2e-admin');
  });
});
