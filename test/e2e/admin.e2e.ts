/**
 * Consortium administration on a real network of its own (issue 6): two malls admit MallC
 * with both admins' signatures (one signature, or a client's, is refused with a message
 * naming whose), MallC's peer joins and transacts, the chaincode is upgraded to a new
 * sequence with all three approving, and what was written before is still there after.
 */
import { NetworkDescription } from '../../fabric-network/src';
import { eventually, refusal } from '../support/admin-expect';
import { AdminNetwork, forgeSignature, startAdminNetwork, stopAdminNetwork } from '../support/admin-network';
import { ChainUser, userOf } from '../support/chain-call';
import { newKey, uniqueSuffix } from '../support/chain-keys';
import { createDid, redeemWithConsent } from '../support/chain-requests';

jest.setTimeout(240_000);

const A = 'MallAMSP';
const B = 'MallBMSP';
const C = 'MallCMSP';

describe('consortium administration (own real network)', () => {
  let n: AdminNetwork | undefined;
  let d: NetworkDescription;
  const users: ChainUser[] = [];
  const user = (mspId: string, role: 'admin' | 'client'): ChainUser => {
    const u = userOf(d, mspId, role);
    users.push(u);
    return u;
  };
  const net = (): AdminNetwork => {
    if (!n) throw new Error('network not started');
    return n;
  };
  const s = uniqueSuffix();
  const beforeNote = { id: `before-${s}`, text: 'written by Mall A before MallC and the upgrade' };

  beforeAll(async () => {
    n = await startAdminNetwork();
    d = n.description();
    const aClient = user(A, 'client');
    const written = await eventually(() => aClient.submit('info:PutNote', beforeNote));
    expect(written).toMatchObject({ id: beforeNote.id, writtenBy: A });
  });

  afterAll(async () => {
    for (const u of users) u.close();
    await stopAdminNetwork(n);
  });

  it('shows the channel: two malls, MAJORITY admins, batch settings, one consenter', async () => {
    const summary = await net().admin.showChannel();
    expect(summary.orgs.filter((o) => o.section === 'Application').map((o) => o.mspId)).toEqual([A, B]);
    expect(summary.policies['/Channel/Application/Admins']).toBe('MAJORITY Admins of MallAMSP, MallBMSP (2 needed)');
    expect(summary.batch.timeout).toBe('250ms');
    expect(summary.consensus.consenters).toEqual([`127.0.0.1:${net().settings.portBase + 50}`]);
    const [listed] = await net().admin.listChannels();
    expect(listed?.members).toEqual([A, B]);
    expect(Object.keys(listed?.heights ?? {})).toEqual(['peer0.mall-a.example.com', 'peer0.mall-b.example.com']);
  });

  it('refuses to admit MallC with one signature, or with a client signature, naming whose', async () => {
    const admin = net().admin;
    let p = await admin.proposeAddMall('MallC');
    expect(p.changes).toEqual(['added group Channel/Application/MallCMSP']);
    expect(p.requiredPolicies).toEqual([
      '/Channel/Application/Admins: MAJORITY Admins of MallAMSP, MallBMSP (2 needed)',
    ]);
    p = await admin.signProposal(p, A);

    const missing = await refusal(admin.submitProposal(p, A));
    expect(missing.code).toBe('SIGNATURES_MISSING');
    expect(missing.details.missing).toEqual([B]);
    expect(missing.message).toContain('still needs signatures of the Admins of MallBMSP (signed by MallAMSP)');

    const bClient = d.orgs[B]?.users.client ?? '';
    const notAdmin = await refusal(admin.signProposal(p, { mspId: B, mspDir: bClient }));
    expect(notAdmin.code).toBe('NOT_ADMIN');
    expect(notAdmin.message).toContain('User1@mall-b.example.com (MallBMSP) is not an admin');

    // A client signature smuggled into the file is refused at submit, naming the signer.
    const forged = await forgeSignature(p, B, bClient);
    const smuggled = await refusal(admin.submitProposal(forged, A));
    expect(smuggled.code).toBe('NOT_ADMIN');
    expect(smuggled.details.signer).toBe('User1@mall-b.example.com (MallBMSP)');

    // Nothing was written: MallC is not in the channel and the config is still at sequence 0.
    const after = await admin.showChannel();
    expect(after.orgs.map((o) => o.mspId)).not.toContain(C);
    expect(after.configSequence).toBe(0);
    const status = await admin.proposalStatus(p, A);
    expect(status.ready).toBe(false);
    expect(status.policies[0]?.missing).toEqual([B]);
  });

  it('admits MallC with both admins, starts and joins its peer, and MallC transacts', async () => {
    const admin = net().admin;
    let p = await admin.proposeAddMall('MallC');
    p = await admin.signProposal(p, A);
    p = await admin.signProposal(p, B);
    expect(p.signatures.map((x) => [x.mspId, x.role])).toEqual([
      [A, 'admin'],
      [B, 'admin'],
    ]);
    const submitted = await admin.submitProposal(p, A);
    expect(submitted.sequence).toBe(1);
    expect(submitted.followUp).toEqual(['peer0.mall-c.example.com started and joined mallchannel']);

    const summary = await admin.showChannel();
    const mallC = summary.orgs.find((o) => o.mspId === C);
    expect(mallC?.anchorPeers).toEqual([`127.0.0.1:${net().settings.portBase + 121}`]);
    expect(summary.policies['/Channel/Application/Admins']).toBe(
      'MAJORITY Admins of MallAMSP, MallBMSP, MallCMSP (2 needed)',
    );

    d = net().description();
    expect(Object.keys(d.orgs)).toEqual([A, B, C]);
    const cc = await admin.chaincodeStatus();
    expect(cc.committed?.approvals).toEqual({ [A]: true, [B]: true, [C]: true });
    expect(cc.orgs.find((o) => o.mspId === C)?.installed).toHaveLength(1);

    const cClient = user(C, 'client');
    const note = { id: `mallc-${s}`, text: 'hello from Mall C' };
    await expect(eventually(() => cClient.submit('info:PutNote', note))).resolves.toMatchObject({ writtenBy: C });
    await expect(user(A, 'client').query('info:GetNote', note.id)).resolves.toMatchObject({
      text: 'hello from Mall C',
    });
  });

  it('lets MallC run its own points program: accrue and redeem with member consent', async () => {
    const cAdmin = user(C, 'admin');
    const cClient = user(C, 'client');
    const programId = `pc-${s}`;
    const merchant = `mc-shop-${s}`;
    await eventually(() =>
      cAdmin.submit('points:RegisterProgram', {
        programId,
        name: 'Mall C Stars',
        unitValueFen: 10,
        expiryMonths: 12,
        returnWindowDays: 0,
      }),
    );
    await cAdmin.submit('points:RegisterMerchant', {
      merchantId: merchant,
      name: 'Bookshop',
      category: 'retail',
      programId,
    });
    const member = newKey('ES256');
    await cClient.submit('dids:CreateDid', createDid(d.channel, member));
    await expect(
      cClient.submit('points:Accrue', {
        programId,
        member: member.did,
        amount: 100,
        sourceRef: `c-rcpt-${s}`,
        merchant,
      }),
    ).resolves.toMatchObject({ status: 'accepted', amount: 100 });
    const terms = {
      merchant,
      ref: `c-redeem-${s}`,
      member: member.did,
      programId,
      amount: 40,
      nonce: `n-${s}`,
      deadline: new Date(Date.now() + 5 * 60_000).toISOString(),
    };
    await expect(cClient.submit('points:Redeem', redeemWithConsent(d.channel, terms, member))).resolves.toMatchObject({
      status: 'accepted',
      mall: C,
    });
    const { balances } = await user(A, 'client').query<{ balances: { available: number }[] }>('points:GetBalance', {
      member: member.did,
      programId,
    });
    expect(balances[0]?.available).toBe(60);
  });

  it('upgrades the chaincode to a new sequence approved by all three, keeping the data', async () => {
    const admin = net().admin;
    const invalid = await refusal(admin.setEndorsementPolicy("OR('MallZMSP.peer')"));
    expect(invalid.code).toBe('INVALID_INPUT');
    expect(invalid.message).toContain('names MallZMSP');

    const result = await admin.upgradeChaincode();
    expect(result.previous.sequence).toBe(1);
    expect(result.definition.sequence).toBe(2);
    const cc = await admin.chaincodeStatus();
    expect(cc.committed?.sequence).toBe(2);
    expect(cc.committed?.approvals).toEqual({ [A]: true, [B]: true, [C]: true });
    for (const org of cc.orgs) expect(org.approved?.sequence).toBe(2);

    for (const mspId of [A, B, C]) {
      await expect(user(mspId, 'client').query('info:GetNote', beforeNote.id)).resolves.toMatchObject({
        text: beforeNote.text,
      });
    }
    await expect(
      eventually(() => user(C, 'client').submit('info:PutNote', { id: `after-${s}`, text: 'after the upgrade' })),
    ).resolves.toMatchObject({ writtenBy: C });
  });

  it('recorded one audit record per operation, refusals included', () => {
    const records = net().audit;
    const submits = records.filter((r) => r.operation === 'proposal.submit');
    expect(submits.map((r) => r.result)).toEqual(['refused', 'refused', 'ok']);
    expect(submits[0]?.error?.code).toBe('SIGNATURES_MISSING');
    expect(records.find((r) => r.operation === 'chaincode.upgrade')).toMatchObject({
      actor: 'e2e-admin',
      result: 'ok',
      outcome: { sequence: 2 },
    });
    for (const r of records) expect(Date.parse(r.finishedAt)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
  });
});
