/**
 * Loyalty points on the real network (issue 3), first half: each mall registers its program
 * and merchants, a member known only by a DID earns Mall A points once per receipt, and
 * wrong identities or bad input are refused with nothing written. Redemption at another mall
 * and settlement are in points-settlement.e2e.ts.
 */
import { MALL_A, MALL_B, Malls, connectMalls } from '../support/chain-call';
import { createDid } from '../support/chain-requests';
import { AccrualResult } from '../support/points-types';
import {
  PointsWorld,
  UNIT_FEN,
  balanceOn,
  batchItems,
  firstAccrual,
  merchantRequests,
  newWorld,
  programRequests,
} from '../support/points-world';

describe('points: programs, merchants and accrual (real Fabric, end to end)', () => {
  let m: Malls;
  let channel: string;
  const w: PointsWorld = newWorld();
  const s = w.suffix;
  const { programA, merchantB, member } = w;

  beforeAll(() => {
    m = connectMalls();
    channel = m.d.channel;
  });

  afterAll(() => {
    m.close();
  });

  it('lets each mall admin register its program and merchants, and refuses the wrong identities', async () => {
    const programs = programRequests(w);
    const merchants = merchantRequests(w);
    const program = await m.aAdmin.submit('points:RegisterProgram', programs.a);
    expect(program).toMatchObject({ programId: programA, issuer: MALL_A, unitValueFen: UNIT_FEN });
    await m.bAdmin.submit('points:RegisterProgram', programs.b);
    await expect(m.aAdmin.submit('points:RegisterMerchant', merchants.a)).resolves.toMatchObject({
      mall: MALL_A,
      status: 'active',
    });
    await expect(m.bAdmin.submit('points:RegisterMerchant', merchants.b)).resolves.toMatchObject({
      mall: MALL_B,
      category: 'parking',
    });

    // A client may not register; a mall may not hang its merchant on another mall's program;
    // Mall B may not change Mall A's program.
    expect(
      await m.aClient.refused('points:RegisterProgram', {
        programId: `pc-${s}`,
        name: 'x',
        unitValueFen: 1,
        expiryMonths: 1,
        returnWindowDays: 0,
      }),
    ).toMatch(/^AUTH_ROLE/);
    expect(
      await m.bAdmin.refused('points:RegisterMerchant', {
        merchantId: `mb-x-${s}`,
        name: 'Kiosk',
        category: 'retail',
        programId: programA,
      }),
    ).toMatch(/^INPUT_INVALID: programId: .*issued by MallAMSP/);
    expect(await m.bAdmin.refused('points:UpdateProgram', { programId: programA, unitValueFen: 1 })).toMatch(
      /^AUTH_FORBIDDEN/,
    );
    expect(await m.aAdmin.refused('points:UpdateMerchant', { merchantId: merchantB, status: 'suspended' })).toMatch(
      /^AUTH_FORBIDDEN/,
    );
    // Nothing of the refusals was written: the program and merchant are unchanged, on both peers.
    for (const user of [m.aClient, m.bClient]) {
      await expect(user.query('points:GetProgram', { programId: programA })).resolves.toMatchObject({
        unitValueFen: UNIT_FEN,
      });
      await expect(user.query('points:GetMerchant', { merchantId: merchantB })).resolves.toMatchObject({
        status: 'active',
      });
      expect(await user.queryRefused('points:GetMerchant', { merchantId: `mb-x-${s}` })).toMatch(/^NOT_FOUND/);
      expect(await user.queryRefused('points:GetProgram', { programId: `pc-${s}` })).toMatch(/^NOT_FOUND/);
    }
  });

  it('creates the member DID with a signature by the member key', async () => {
    expect(
      await m.aClient.refused('points:Accrue', {
        programId: programA,
        member: member.did,
        amount: 1,
        sourceRef: `r0-${s}`,
      }),
    ).toMatch(/^NOT_FOUND: .*did:mallchain/);
    const created = await m.aClient.submit('dids:CreateDid', createDid(channel, member));
    expect(created).toMatchObject({ did: member.did, versionId: '1' });
  });

  it('accrues once per source reference, singly and in a batch of 50 with a repeat', async () => {
    const single = firstAccrual(w);
    const first = await m.aClient.submit<AccrualResult>('points:Accrue', single);
    expect(first).toMatchObject({ status: 'accepted', member: member.did, amount: 100 });
    const again = await m.aClient.submit<AccrualResult>('points:Accrue', { ...single, amount: 999 });
    expect(again).toEqual({ ...first, status: 'duplicate' });

    const unique = batchItems(w);
    const items = [...unique, unique[0]]; // the last one repeats the first of the batch
    const { results } = await m.aClient.submit<{ results: AccrualResult[] }>('points:AccrueBatch', {
      programId: programA,
      items,
    });
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(49);
    expect(results[49]).toEqual({ ...results[0], status: 'duplicate' });
    expect(new Set(results.slice(0, 49).map((r) => r.lotId)).size).toBe(49);

    // 100 + 49 × 10, available at once (return window 0), the same on both peers.
    for (const user of [m.aClient, m.bClient]) {
      expect(await balanceOn(user, w)).toMatchObject({ available: 590, pending: 0 });
    }
  });

  it('refuses accruals by the wrong mall and bad accrual input, writing nothing', async () => {
    const ref = `rcpt-${s}-bad`;
    const item = { programId: programA, member: member.did, amount: 5, sourceRef: ref };
    expect(await m.bClient.refused('points:Accrue', item)).toMatch(/^AUTH_FORBIDDEN/);
    expect(await m.bAdmin.refused('points:AccrueBatch', { programId: programA, items: [item] })).toMatch(
      /^AUTH_FORBIDDEN/,
    );
    expect(await m.aClient.refused('points:Accrue', { ...item, amount: -5 })).toMatch(/^INPUT_INVALID: amount/);
    expect(await m.aClient.refused('points:Accrue', { ...item, amount: 1e12 })).toMatch(/^INPUT_INVALID: amount/);
    expect(await m.aClient.refused('points:Accrue', { ...item, amount: '5' })).toMatch(/^INPUT_INVALID: amount/);
    expect(
      await m.aClient.refused('points:AccrueBatch', {
        programId: programA,
        items: [item, { ...item, sourceRef: `${ref}-2`, member: 'not a did' }],
      }),
    ).toMatch(/^INPUT_INVALID: items\[1\]\.member/);
    expect(await m.aClient.refused('points:Accrue', { ...item, programId: `nope-${s}` })).toMatch(/^NOT_FOUND/);
    expect(await m.aClient.refused('points:Accrue', { ...item, merchant: merchantB })).toMatch(
      /^(INPUT_INVALID|AUTH_)/,
    );
    expect(await m.aClient.queryRefused('points:GetAccrual', { programId: programA, sourceRef: ref })).toMatch(
      /^NOT_FOUND/,
    );
    expect(await balanceOn(m.bClient, w)).toMatchObject({ available: 590 });
  });
});
