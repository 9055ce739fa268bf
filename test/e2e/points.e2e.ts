/**
 * Cross-mall loyalty points on the real network (issue 3): Mall A issues points to a member
 * known only by a DID, the member spends them at a Mall B car park with a signed consent,
 * both malls see the clearing entry through their own peers, a settlement period is closed
 * and confirmed by both, and the books reconcile. Every ID is unique per run because the
 * ledger persists. Settlement periods are channel-wide: two copies of this suite running at
 * the same moment would close overlapping periods and one would get POINTS_PERIOD_CLOSED.
 */
import { ChainUser, MALL_A, MALL_B, Malls, connectMalls } from '../support/chain-call';
import { ChainKey, newKey, uniqueSuffix } from '../support/chain-keys';
import { RedeemTerms, createDid, redeemWithConsent } from '../support/chain-requests';

interface Balance {
  programId: string;
  available: number;
  pending: number;
}
interface AccrualResult {
  sourceRef: string;
  status: 'accepted' | 'duplicate';
  member: string;
  amount: number;
  lotId: string;
  txId: string;
}
interface ClearingEntry {
  kind: string;
  debtor: string;
  creditor: string;
  amountFen: number;
  points: number;
  programId: string;
  ref: string;
  txId: string;
  at: string;
}
interface Position {
  mall: string;
  receivableFen: number;
  payableFen: number;
  netFen: number;
}
interface Statement {
  periodId: string;
  from: string;
  to: string;
  entries: number;
  gross: { from: string; to: string; amountFen: number }[];
  positions: Position[];
  payments: { from: string; to: string; amountFen: number }[];
  closedBy: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const UNIT_FEN = 10;

describe('points across two malls (real Fabric, end to end)', () => {
  let m: Malls;
  let channel: string;
  const s = uniqueSuffix();
  const programA = `pa-${s}`;
  const programB = `pb-${s}`;
  const merchantA = `ma-food-${s}`;
  const merchantB = `mb-park-${s}`;
  let member: ChainKey;

  const balanceOn = async (user: ChainUser, programId = programA): Promise<Balance> => {
    const { balances } = await user.query<{ balances: Balance[] }>('points:GetBalance', {
      member: member.did,
      programId,
    });
    return balances[0] ?? { programId, available: 0, pending: 0 };
  };

  const terms = (over: Partial<RedeemTerms> = {}): RedeemTerms => ({
    merchant: merchantB,
    ref: `park-${uniqueSuffix()}`,
    member: member.did,
    programId: programA,
    amount: 200,
    nonce: `n-${uniqueSuffix()}`,
    deadline: new Date(Date.now() + 5 * 60_000).toISOString(),
    ...over,
  });

  beforeAll(() => {
    m = connectMalls();
    channel = m.d.channel;
    member = newKey('ES256');
  });

  afterAll(() => {
    m.close();
  });

  it('lets each mall admin register its program and merchants, and refuses the wrong identities', async () => {
    const program = await m.aAdmin.submit('points:RegisterProgram', {
      programId: programA,
      name: 'Mall A Rewards',
      unitValueFen: UNIT_FEN,
      expiryMonths: 12,
      returnWindowDays: 0,
    });
    expect(program).toMatchObject({ programId: programA, issuer: MALL_A, unitValueFen: UNIT_FEN });
    await m.bAdmin.submit('points:RegisterProgram', {
      programId: programB,
      name: 'Mall B Club',
      unitValueFen: 5,
      expiryMonths: 24,
      returnWindowDays: 7,
    });
    await expect(
      m.aAdmin.submit('points:RegisterMerchant', {
        merchantId: merchantA,
        name: 'Food court',
        category: 'food',
        programId: programA,
      }),
    ).resolves.toMatchObject({ mall: MALL_A, status: 'active' });
    await expect(
      m.bAdmin.submit('points:RegisterMerchant', {
        merchantId: merchantB,
        name: 'Car park P2',
        category: 'parking',
        programId: programB,
      }),
    ).resolves.toMatchObject({ mall: MALL_B, category: 'parking' });

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
    const single = {
      programId: programA,
      member: member.did,
      amount: 100,
      sourceRef: `rcpt-${s}-0`,
      merchant: merchantA,
    };
    const first = await m.aClient.submit<AccrualResult>('points:Accrue', single);
    expect(first).toMatchObject({ status: 'accepted', member: member.did, amount: 100 });
    const again = await m.aClient.submit<AccrualResult>('points:Accrue', { ...single, amount: 999 });
    expect(again).toEqual({ ...first, status: 'duplicate' });

    const items = Array.from({ length: 50 }, (_, i) => ({
      member: member.did,
      amount: 10,
      sourceRef: `rcpt-${s}-${i < 49 ? i + 1 : 1}`, // the last one repeats the first of the batch
    }));
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
      expect(await balanceOn(user)).toMatchObject({ available: 590, pending: 0 });
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
    expect(await balanceOn(m.bClient)).toMatchObject({ available: 590 });
  });

  describe('redemption at the Mall B car park and settlement', () => {
    let periodFrom: string;
    let redemption: { txId: string; valueFen: number; clearingKey: string; status: string };
    let periodTo: string;
    let redeemedRef: string;
    let statement: Statement;

    it('redeems Mall A points at Mall B with the member consent, once per nonce', async () => {
      periodFrom = new Date(Date.now() - 1000).toISOString();
      const t = terms();
      redeemedRef = t.ref;
      expect(
        await m.bClient.refused('points:Redeem', { ...t, consent: undefined, nonce: undefined, deadline: undefined }),
      ).toMatch(/^POINTS_CONSENT_REQUIRED/);
      // Signed by a key that is not in the member's DID document.
      expect(await m.bClient.refused('points:Redeem', redeemWithConsent(channel, t, member, newKey()))).toMatch(
        /^AUTH_SIGNATURE/,
      );
      // A consent signed for another amount does not cover this one.
      const tampered = { ...redeemWithConsent(channel, t, member), amount: 300 };
      expect(await m.bClient.refused('points:Redeem', tampered)).toMatch(/^AUTH_SIGNATURE/);
      // A consent for another channel does not verify here.
      expect(await m.bClient.refused('points:Redeem', redeemWithConsent('otherchannel', t, member))).toMatch(
        /^AUTH_SIGNATURE/,
      );
      // Mall A may not redeem at Mall B's merchant.
      expect(await m.aClient.refused('points:Redeem', redeemWithConsent(channel, t, member))).toMatch(
        /^AUTH_FORBIDDEN/,
      );

      // The refusals above used t's nonce; that it is still free shows they wrote nothing.
      redemption = await m.bClient.submit('points:Redeem', redeemWithConsent(channel, t, member));
      expect(redemption).toMatchObject({ status: 'accepted', valueFen: 200 * UNIT_FEN, issuer: MALL_A, mall: MALL_B });
      expect(redemption.clearingKey).toContain(redemption.txId);

      // Same (merchant, ref) again: the original redemption, nothing spent twice.
      const retry = await m.bClient.submit('points:Redeem', redeemWithConsent(channel, t, member));
      expect(retry).toMatchObject({ status: 'duplicate', txId: redemption.txId });
      // A new ref with the used nonce is a replay.
      const replay = redeemWithConsent(channel, { ...t, ref: `park-${uniqueSuffix()}` }, member);
      expect(await m.bClient.refused('points:Redeem', replay)).toMatch(/^POINTS_NONCE_REPLAYED/);
      const expired = redeemWithConsent(
        channel,
        terms({ deadline: new Date(Date.now() - 60_000).toISOString() }),
        member,
      );
      expect(await m.bClient.refused('points:Redeem', expired)).toMatch(/^POINTS_CONSENT_EXPIRED/);
      const tooMuch = redeemWithConsent(channel, terms({ amount: 10_000 }), member);
      expect(await m.bClient.refused('points:Redeem', tooMuch)).toMatch(/^POINTS_INSUFFICIENT/);

      for (const user of [m.aClient, m.bClient]) {
        expect(await balanceOn(user)).toMatchObject({ available: 390 });
      }
      periodTo = new Date(Date.now() + 500).toISOString();
    });

    it('shows the clearing entry to both malls through their own peers', async () => {
      const seen: ClearingEntry[][] = [];
      for (const [user, mall] of [
        [m.aClient, MALL_A],
        [m.bClient, MALL_B],
      ] as const) {
        const entries = await user.query<ClearingEntry[]>('points:GetClearing', {
          from: periodFrom,
          to: periodTo,
          mall,
        });
        const ours = entries.filter((e) => e.txId === redemption.txId);
        expect(ours).toEqual([
          expect.objectContaining({
            kind: 'redemption',
            debtor: MALL_A,
            creditor: MALL_B,
            amountFen: 2000,
            points: 200,
            programId: programA,
          }),
        ]);
        seen.push(ours);
      }
      expect(seen[0]).toEqual(seen[1]);
    });

    it('closes the period into a statement that both malls confirm', async () => {
      // The period must have ended, with a margin, before it is closed (docs/points.md).
      await sleep(Math.max(0, Date.parse(periodTo) + 2000 - Date.now()));
      expect(await m.aClient.refused('points:ClosePeriod', { from: periodFrom, to: periodTo })).toMatch(/^AUTH_ROLE/);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect(await m.aAdmin.refused('points:ClosePeriod', { from: periodTo, to: future })).toMatch(
        /^POINTS_PERIOD_OPEN/,
      );

      statement = await m.aAdmin.submit<Statement>('points:ClosePeriod', { from: periodFrom, to: periodTo });
      const entries = await m.bClient.query<ClearingEntry[]>('points:GetClearing', { from: periodFrom, to: periodTo });
      expect(statement.entries).toBe(entries.length);
      expect(statement.closedBy).toBe(MALL_A);
      // Positions are what the entries say, and they net to zero.
      for (const p of statement.positions) {
        const receivable = entries.filter((e) => e.creditor === p.mall).reduce((sum, e) => sum + e.amountFen, 0);
        const payable = entries.filter((e) => e.debtor === p.mall).reduce((sum, e) => sum + e.amountFen, 0);
        expect(p).toEqual({
          mall: p.mall,
          receivableFen: receivable,
          payableFen: payable,
          netFen: receivable - payable,
        });
      }
      expect(statement.positions.reduce((sum, p) => sum + p.netFen, 0)).toBe(0);
      expect(statement.positions.find((p) => p.mall === MALL_A)?.payableFen).toBeGreaterThanOrEqual(2000);
      expect(statement.positions.find((p) => p.mall === MALL_B)?.receivableFen).toBeGreaterThanOrEqual(2000);
      const paid = statement.payments.reduce((sum, p) => sum + p.amountFen, 0);
      expect(paid).toBe(statement.positions.filter((p) => p.netFen > 0).reduce((sum, p) => sum + p.netFen, 0));

      expect(await m.bAdmin.refused('points:ClosePeriod', { from: periodFrom, to: periodTo })).toMatch(
        /^POINTS_PERIOD_CLOSED/,
      );
      expect(await m.bClient.refused('points:ConfirmStatement', { periodId: statement.periodId })).toMatch(
        /^AUTH_ROLE/,
      );
      await expect(m.aAdmin.submit('points:ConfirmStatement', { periodId: statement.periodId })).resolves.toMatchObject(
        {
          mall: MALL_A,
        },
      );
      await expect(m.bAdmin.submit('points:ConfirmStatement', { periodId: statement.periodId })).resolves.toMatchObject(
        {
          mall: MALL_B,
        },
      );
      expect(await m.bAdmin.refused('points:ConfirmStatement', { periodId: statement.periodId })).toMatch(
        /^POINTS_ALREADY_CONFIRMED/,
      );

      for (const user of [m.aClient, m.bClient]) {
        const view = await user.query<{ statement: Statement; confirmations: { mall: string }[] }>(
          'points:GetStatement',
          { periodId: statement.periodId },
        );
        expect(view.statement).toEqual(statement);
        expect(view.confirmations.map((c) => c.mall).sort()).toEqual([MALL_A, MALL_B]);
      }
    });

    it('reconciles: lots, history and balance agree with what was accrued and redeemed', async () => {
      for (const user of [m.aClient, m.bClient]) {
        const lots = await user.query<{ amount: number; remaining: number; redeemed: number }[]>('points:GetLots', {
          member: member.did,
          programId: programA,
          includeEmpty: true,
        });
        expect(lots).toHaveLength(50);
        expect(lots.reduce((sum, l) => sum + l.amount, 0)).toBe(590);
        expect(lots.reduce((sum, l) => sum + l.remaining, 0)).toBe(390);
        expect(lots.reduce((sum, l) => sum + l.redeemed, 0)).toBe(200);
        const history = await user.query<{ type: string; points: number }[]>('points:GetHistory', {
          member: member.did,
        });
        expect(history.filter((h) => h.type === 'accrue')).toHaveLength(50);
        expect(history.filter((h) => h.type === 'redeem').map((h) => h.points)).toEqual([-200]);
        expect(history.reduce((sum, h) => sum + h.points, 0)).toBe(390);
        await expect(
          user.query('points:GetRedemption', { merchant: merchantB, ref: redeemedRef }),
        ).resolves.toMatchObject({
          txId: redemption.txId,
          amount: 200,
          member: member.did,
        });
      }
      expect(await balanceOn(m.aClient, programB)).toMatchObject({ available: 0 });
    });
  });
});
