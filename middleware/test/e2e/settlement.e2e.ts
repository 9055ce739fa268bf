/**
 * A settlement period closed and confirmed by both malls on the real dev network, each mall through its own
 * middleware: a clearing entry each way (Mall A's points redeemed at Mall B's car park, Mall B's points at Mall A's
 * food court, both with the member's wallet consent), a period closed through Mall A, the statement equal on both
 * caches and both peers, netted as docs/points.md says (gross per pair, positions summing to zero, one payment),
 * confirmed by Mall A through its API and by Mall B from its operator console (chromium driven by playwright-core,
 * as in console.e2e.ts: a console confirmation needs a closed period, which only this file waits for), and the bad closes and confirmations refused with nothing written.
 *
 * The lag, honestly: `ClosePeriod` refuses a period whose `to` is less than the settlement lag (30 minutes,
 * `SETTLEMENT_LAG_MS`, a chaincode constant and no parameter) before its transaction time, because the peer accepts
 * a proposal timestamped up to ±15 minutes from its own clock; the middleware has no lag setting of its own (it
 * relays `{from, to}`). Nothing here shortens the lag or back-dates a proposal: the test books its entries first
 * and waits in real time until they lie more than the lag in the past (about 31 minutes on a fresh network; the
 * close step's timeout allows 40). Settlement periods are channel-wide, so the period also holds entries other
 * test files booked earlier; the expected statement is computed independently from Mall B's peer (`GetClearing`).
 */
import { chromium } from 'playwright-core';
import { uniqueId } from '../ledger/network';
import { poll, type IntakeView } from './support/http';
import { type Member, type MallApi, createDid, evaluate, mallApi, newMember, redemption } from './support/points-world';
import { type TwoMallWorld, twoMallWorld } from './support/two-mall-world';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAG_MS = 30 * 60_000; // chaincode/src/points/settlement.ts SETTLEMENT_LAG_MS
const MARGIN_MS = 10_000; // `to` this much older than the lag: the close is submitted a little after it is built

interface Entry {
  at: string;
  debtor: string;
  creditor: string;
  amountFen: number;
  ref: string;
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
type StatementView = { statement: Statement; confirmations: { mall: string }[] };

/** Fen as the console shows yuan (packages/console/src/lib/figures.ts `yuan`): 1,234.50, -2.50. */
function yuanOf(fen: number): string {
  return (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Gross per pair and positions from the entries, the way docs/points.md defines them (sorted by MSP ID). */
function expectedNetting(entries: readonly Entry[]): Pick<Statement, 'gross' | 'positions'> {
  const gross = new Map<string, { from: string; to: string; amountFen: number }>();
  const pos = new Map<string, Position>();
  const p = (mall: string): Position => {
    const x = pos.get(mall) ?? { mall, receivableFen: 0, payableFen: 0, netFen: 0 };
    pos.set(mall, x);
    return x;
  };
  for (const e of entries) {
    const g = gross.get(`${e.debtor}>${e.creditor}`) ?? { from: e.debtor, to: e.creditor, amountFen: 0 };
    g.amountFen += e.amountFen;
    gross.set(`${e.debtor}>${e.creditor}`, g);
    p(e.debtor).payableFen += e.amountFen;
    p(e.creditor).receivableFen += e.amountFen;
  }
  const by = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return {
    gross: [...gross.values()].sort((x, y) => by(x.from, y.from) || by(x.to, y.to)),
    positions: [...pos.values()]
      .map((x) => ({ ...x, netFen: x.receivableFen - x.payableFen }))
      .sort((x, y) => by(x.mall, y.mall)),
  };
}

describe('settlement on the real network: a period closed through Mall A, confirmed by Mall A and Mall B', () => {
  let world: TwoMallWorld;
  let A: MallApi;
  let B: MallApi;
  const s = uniqueId('stl');
  const programA = `sa-${s}`;
  const programB = `sb-${s}`;
  const food = `sfood-${s}`;
  const parking = `spark-${s}`;
  const member: Member = newMember();
  const mine: Entry[] = [];
  let period: { from: string; to: string; periodId: string } | undefined;
  const bound = (): Promise<{ to: string; periodId: string } | null> =>
    evaluate(world.peerB, 'points:GetClosedBound', {});
  const statementPath = (periodId: string): string => `/v1/points/statements/${encodeURIComponent(periodId)}`;
  /** A refused close wrote nothing: no statement of that period, and the closed bound is not its end. */
  const notClosed = async (from: string, to: string): Promise<void> => {
    const periodId = `${from}..${to}`;
    await expect(evaluate(world.peerB, 'points:GetStatement', { periodId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await bound())?.periodId).not.toBe(periodId);
  };
  /**
   * Closes the next period through `api`, from where the last one ended to `toOf(from)`. Other test files on the
   * shared network may close a period too (points-api.e2e.ts closes up to 31 minutes ago): when one lands between
   * reading the bound and this close (dead with POINTS_PERIOD_CLOSED or _GAP), read the bound again and repeat.
   */
  const closeNext = async (
    api: MallApi,
    toOf: (from: string) => string,
  ): Promise<{ from: string; to: string; periodId: string }> => {
    for (let attempt = 1; ; attempt++) {
      const from = (await bound())?.to ?? '2000-01-01T00:00:00.000Z';
      const to = toOf(from);
      const r = await api.raw<{ trackingId: string }>('POST', '/v1/points/periods/close', { from, to });
      expect([200, 202]).toContain(r.status);
      const v = await poll('the close settled', async () => {
        const x = await api.get<IntakeView>(`/v1/intake/${r.body.trackingId}`);
        return x.status === 'pending' ? undefined : x;
      });
      if (v.status === 'committed') return { from, to, periodId: `${from}..${to}` };
      const raced = v.errorCode === 'POINTS_PERIOD_CLOSED' || v.errorCode === 'POINTS_PERIOD_GAP';
      if (attempt >= 3 || !raced) throw new Error(`close ${from}..${to}: ${v.errorCode ?? v.status}`);
    }
  };

  beforeAll(async () => {
    world = await twoMallWorld({
      scopes: ['points:read', 'points:write', 'consortium:admin', 'intake:read'],
      points: true,
    });
    A = mallApi(world.a);
    B = mallApi(world.b);
    const program = { unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0 };
    await A.ok('/v1/points/programs', { ...program, programId: programA, name: 'Mall A Rewards' });
    await B.ok('/v1/points/programs', { ...program, programId: programB, name: 'Mall B Club', unitValueFen: 5 });
    await A.ok('/v1/points/merchants', { merchantId: food, name: 'Food court', category: 'food', programId: programA });
    await B.ok('/v1/points/merchants', {
      merchantId: parking,
      name: 'Car park',
      category: 'parking',
      programId: programB,
    });
    await createDid(world.peerA, world.channel, member);
    // Points earned straight on the ledger by each issuer, as the Haide adapter's intake would.
    await world.peerA.submit('points:Accrue', [
      JSON.stringify({ programId: programA, member: member.did, amount: 300, sourceRef: `ea-${s}` }),
    ]);
    await world.peerB.submit('points:Accrue', [
      JSON.stringify({ programId: programB, member: member.did, amount: 100, sourceRef: `eb-${s}` }),
    ]);
  }, 300_000);
  afterAll(() => (world as TwoMallWorld | undefined)?.close());

  it('books one clearing entry each way, each redemption through the merchant mall’s middleware', async () => {
    const nonce = (n: string): string => `${n}-${s}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
    // 120 of Mall A's points (10 fen) at Mall B's car park: Mall A owes Mall B 1,200 fen.
    const atB = { merchant: parking, ref: `park-${s}`, programId: programA, amount: 120, nonce: nonce('nb') };
    await B.ok('/v1/points/redemptions', redemption(world.channel, member, atB));
    // 50 of Mall B's points (5 fen) at Mall A's food court: Mall B owes Mall A 250 fen.
    const atA = { merchant: food, ref: `food-${s}`, programId: programB, amount: 50, nonce: nonce('na') };
    await A.ok('/v1/points/redemptions', redemption(world.channel, member, atA));
    const window = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const entries = await B.sameAsLedger<Entry[]>(`/v1/points/clearing?${window}`);
    const booked = [`${parking}/${atB.ref}`, `${food}/${atA.ref}`].map((ref) => entries.find((e) => e.ref === ref));
    expect(booked).toEqual([
      expect.objectContaining({ debtor: 'MallAMSP', creditor: 'MallBMSP', amountFen: 1200 }),
      expect.objectContaining({ debtor: 'MallBMSP', creditor: 'MallAMSP', amountFen: 250 }),
    ]);
    mine.push(...(booked as Entry[]));
  });

  it('refuses closes that are malformed (400, nothing stored) or not ended by the lag (dead, bound unchanged)', async () => {
    const before = await bound();
    const from = before?.to ?? '2000-01-01T00:00:00.000Z';
    for (const [body, named] of [
      [{ from, to: from }, 'to must be after from'],
      [{ from: 'yesterday', to: new Date().toISOString() }, 'from must be an ISO-8601 time'],
      [{ from }, 'to must be an ISO-8601 time'],
    ] as const) {
      const r = await A.raw<{ message: string | string[] }>('POST', '/v1/points/periods/close', body);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.message)).toContain(named);
    }
    // A period ending now (the future, as far as the lag goes) is accepted by the intake and refused by the chaincode.
    const now = new Date().toISOString();
    const open = await A.dead('/v1/points/periods/close', { from, to: now });
    expect(open.errorCode).toBe('POINTS_PERIOD_OPEN');
    await notClosed(from, now);
  });

  it(
    'waits out the lag, closes the period through Mall A; the statement nets as documented, on both caches and peers',
    async () => {
      const newest = Math.max(...mine.map((e) => Date.parse(e.at)));
      const wait = newest + LAG_MS + MARGIN_MS + 5_000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const to = new Date(Math.floor((Date.now() - LAG_MS - MARGIN_MS) / 1000) * 1000).toISOString();
      expect(Date.parse(to)).toBeGreaterThan(newest);
      period = await closeNext(A, () => to);
      const { from, periodId } = period;

      // A gap is refused: a period starting after the end of the last closed one.
      const last = (await bound()) as { to: string };
      const gapFrom = new Date(Date.parse(last.to) + 1).toISOString();
      const gapTo = new Date(Date.parse(last.to) + 2).toISOString();
      const gap = await A.dead('/v1/points/periods/close', { from: gapFrom, to: gapTo });
      expect(gap.errorCode).toBe('POINTS_PERIOD_GAP');
      await notClosed(gapFrom, gapTo);

      const onB = await B.sameAsLedger<StatementView>(statementPath(periodId));
      expect(await A.sameAsLedger<StatementView>(statementPath(periodId))).toEqual(onB);
      expect(await evaluate<StatementView>(world.peerA, 'points:GetStatement', { periodId })).toEqual(onB);
      const { statement } = onB;
      // Computed independently from Mall B's peer: every entry of [from, to), ours included.
      const entries = await evaluate<Entry[]>(world.peerB, 'points:GetClearing', { from, to });
      for (const e of mine) expect(entries).toContainEqual(expect.objectContaining({ ref: e.ref }));
      expect(statement).toMatchObject({
        from,
        to,
        entries: entries.length,
        closedBy: 'MallAMSP',
        ...expectedNetting(entries),
      });
      expect(statement.positions.reduce((n, p) => n + p.netFen, 0)).toBe(0);
      // Two malls: one payment, from the net debtor to the net creditor, of the net amount.
      const [debtor, creditor] = [...statement.positions].sort((x, y) => x.netFen - y.netFen) as [Position, Position];
      expect(statement.payments).toEqual(
        debtor.netFen === 0 ? [] : [{ from: debtor.mall, to: creditor.mall, amountFen: creditor.netFen }],
      );
      expect(onB.confirmations).toEqual([]);
      // The clearing route's netting of the same window agrees with the statement.
      const net = await B.get<{ entries: number; positions: Position[] }>(
        `/v1/points/clearing/net?from=${from}&to=${to}&consistency=ledger`,
      );
      expect(net).toMatchObject({ entries: entries.length, positions: statement.positions });
      for (const api of [A, B]) {
        const awaiting = await api.get<{ statements: { periodId: string }[] }>('/v1/points/statements/awaiting');
        expect(awaiting.statements.map((x) => x.periodId)).toContain(periodId);
      }
    },
    40 * 60_000,
  );

  it('refuses to close the same or an overlapping period again, through either middleware (dead, nothing written)', async () => {
    if (!period) throw new Error('no period closed');
    const { periodId } = period;
    const before = await evaluate<StatementView>(world.peerB, 'points:GetStatement', { periodId });
    const again = await B.dead('/v1/points/periods/close', { from: period.from, to: period.to });
    expect(again.errorCode).toBe('POINTS_PERIOD_CLOSED');
    const earlier = new Date(Date.parse(period.to) - 60_000).toISOString();
    const later = new Date(Date.parse(period.to) + 1).toISOString();
    const overlap = await A.dead('/v1/points/periods/close', { from: earlier, to: later });
    expect(overlap.errorCode).toBe('POINTS_PERIOD_CLOSED');
    await notClosed(earlier, later);
    expect(await evaluate(world.peerB, 'points:GetStatement', { periodId })).toEqual(before);
  });

  it('Mall A confirms through its API, Mall B from its operator console in a browser; both peers show both', async () => {
    if (!period) throw new Error('no period closed');
    const { periodId } = period;
    const path = statementPath(periodId);
    const first = await A.ok(`${path}/confirm`, {});
    // Mall B's admin presses Confirm on the console's Points screen (its middleware serves it): the row of this
    // statement shows B's net as the statement has it, the confirmation goes through B's intake to the ledger.
    const netOfB = (await B.get<StatementView>(path)).statement.positions.find((x) => x.mall === 'MallBMSP')?.netFen;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('dialog', (d) => void d.accept());
      await page.goto(`${world.b.app.base}/console/`);
      await page.getByLabel('API key').fill(world.b.key);
      await page.getByLabel('API key').press('Enter');
      await page.getByRole('navigation').getByRole('link', { name: 'Points' }).click();
      const row = page.getByTestId(`awaiting-${periodId}`);
      await row.waitFor({ timeout: 60_000 });
      expect(await row.locator('td[data-col="net of this mall (¥)"]').textContent()).toBe(yuanOf(netOfB ?? 0));
      await row.getByRole('button', { name: `Confirm ${period.from.slice(0, 10)}` }).click();
      await row
        .getByRole('status')
        .filter({ hasText: /^confirmed: committed in block \d+$/ })
        .waitFor({ timeout: 180_000 });
      // After a reload the statement no longer waits for Mall B, and its row says who confirmed.
      await page.reload();
      await page
        .getByTestId(`confirmations-${periodId}`)
        .filter({ hasText: 'confirmed by MallAMSP, MallBMSP' })
        .waitFor();
      expect(await page.getByTestId(`awaiting-${periodId}`).count()).toBe(0);
    } finally {
      await browser.close();
    }
    for (const peer of [world.peerA, world.peerB]) {
      const v = await evaluate<StatementView>(peer, 'points:GetStatement', { periodId: period.periodId });
      expect(v.confirmations.map((c) => c.mall)).toEqual(['MallAMSP', 'MallBMSP']);
    }
    const onA = await A.sameAsLedger<StatementView>(path);
    expect(await B.sameAsLedger<StatementView>(path)).toEqual(onA);
    expect(onA.confirmations.map((c) => c.mall)).toEqual(['MallAMSP', 'MallBMSP']);
    // Confirming twice is the same item (the period ID is its key): a duplicate, no second transaction.
    const twice = await A.raw<{ trackingId: string; outcome: string }>('POST', `${path}/confirm`, {});
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ trackingId: first.trackingId, outcome: 'duplicate' });
    expect((await A.get<IntakeView>(`/v1/intake/${first.trackingId}`)).txId).toBe(first.txId);
    for (const api of [A, B]) {
      const awaiting = await api.get<{ statements: { periodId: string }[] }>('/v1/points/statements/awaiting');
      expect(awaiting.statements.map((x) => x.periodId)).not.toContain(period.periodId);
    }
  });

  it('refuses a confirmation by a mall without a position, of an unknown period, and a malformed period ID', async () => {
    if (!period) throw new Error('no period closed');
    // The next period, 1 ms long and empty: a statement in which no mall has a position.
    const next = await closeNext(B, (from) => new Date(Date.parse(from) + 1).toISOString());
    const { to, periodId: empty } = next;
    const view = await B.sameAsLedger<StatementView>(statementPath(empty));
    expect(view.statement).toMatchObject({ entries: 0, positions: [], payments: [], closedBy: 'MallBMSP' });
    const nonParty = await A.dead(`${statementPath(empty)}/confirm`, {});
    expect(nonParty.errorCode).toBe('AUTH_FORBIDDEN');
    const unknown = await B.dead(
      `${statementPath(`${to}..${new Date(Date.parse(to) + 1).toISOString()}`)}/confirm`,
      {},
    );
    expect(unknown.errorCode).toBe('NOT_FOUND');
    const bad = await A.raw('POST', `${statementPath('not a period')}/confirm`, {});
    expect(bad.status).toBe(400);
    expect(
      (await evaluate<StatementView>(world.peerA, 'points:GetStatement', { periodId: empty })).confirmations,
    ).toEqual([]);
  });
});
