/**
 * Loyalty points on the real network (issue 3), second half: a member who earned 590 Mall A
 * points spends them at a Mall B car park with a signed consent, both malls see the clearing
 * entry through their own peers, a settlement period is closed and confirmed by both, and the
 * books reconcile. Settlement periods are channel-wide: two copies of this suite running at
 * the same moment would close overlapping periods and one would get POINTS_PERIOD_CLOSED.
 */
import { MALL_A, MALL_B, Malls, connectMalls } from '../support/chain-call';
import { newKey, uniqueSuffix } from '../support/chain-keys';
import { RedeemTerms, redeemWithConsent } from '../support/chain-requests';
import { ClearingEntry, Statement } from '../support/points-types';
import {
  PointsWorld,
  UNIT_FEN,
  balanceOn,
  newWorld,
  redeemTerms,
  setUpMemberWithPoints,
} from '../support/points-world';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('points: redemption at the Mall B car park and settlement (real Fabric, end to end)', () => {
  let m: Malls;
  let channel: string;
  const w: PointsWorld = newWorld();
  const { programA, programB, merchantB, member } = w;
  const terms = (over: Partial<RedeemTerms> = {}): RedeemTerms => redeemTerms(w, over);
  let periodFrom: string;
  let redemption: { txId: string; valueFen: number; clearingKey: string; status: string };
  let periodTo: string;
  let redeemedRef: string;
  let statement: Statement;

  beforeAll(async () => {
    m = connectMalls();
    channel = m.d.channel;
    await setUpMemberWithPoints(m, w);
  });

  afterAll(() => {
    m.close();
  });

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
    expect(await m.aClient.refused('points:Redeem', redeemWithConsent(channel, t, member))).toMatch(/^AUTH_FORBIDDEN/);

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
      expect(await balanceOn(user, w)).toMatchObject({ available: 390 });
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
    expect(await m.aAdmin.refused('points:ClosePeriod', { from: periodTo, to: future })).toMatch(/^POINTS_PERIOD_OPEN/);

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
    expect(await m.bClient.refused('points:ConfirmStatement', { periodId: statement.periodId })).toMatch(/^AUTH_ROLE/);
    await expect(m.aAdmin.submit('points:ConfirmStatement', { periodId: statement.periodId })).resolves.toMatchObject({
      mall: MALL_A,
    });
    await expect(m.bAdmin.submit('points:ConfirmStatement', { periodId: statement.periodId })).resolves.toMatchObject({
      mall: MALL_B,
    });
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
    expect(await balanceOn(m.aClient, w, programB)).toMatchObject({ available: 0 });
  });
});
