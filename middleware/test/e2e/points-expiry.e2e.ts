/**
 * Expiry really happening on the ledger, two malls on the real dev network: Mall A's member earns regular points
 * and two lots of campaign points with a fixed `expiresAt` a minute or so ahead (docs/points.md, _Campaign expiry_:
 * the model's only way to see a lot expire within minutes — `expiryMonths` is at least 1 — without back-dating a
 * proposal or weakening a rule). When the first campaign date has passed, the manual run
 * (`POST /v1/points/programs/{programId}/expire`) sweeps it; when the second has, Mall A's scheduled job
 * (`ExpiryScheduler.runOnce`, what its timer calls every `POINTS_EXPIRY_INTERVAL_MS`) sweeps that one. After each the
 * balance drops, the lot shows `expired` and the history an `expire` line, on Mall A's cache and peer, and on Mall B's
 * cache and peer alike. Bad runs are refused before anything is stored (unknown program 404, another mall's 403,
 * malformed 400), and a campaign date in the past is refused by the chaincode naming the field.
 *
 * The points are earned straight on the ledger with Mall A's identity, as the Haide adapter's intake does for a
 * receipt: the POS contract (DOMAIN.md) carries no campaign date, and the middleware has no accrual route.
 */
import { DataSource } from 'typeorm';
import { ExpiryScheduler } from '../../src/points/expiry.scheduler';
import { uniqueId } from '../ledger/network';
import { poll } from './support/http';
import { type MallApi, type Member, createDid, evaluate, mallApi, newMember } from './support/points-world';
import { type TwoMallWorld, twoMallWorld } from './support/two-mall-world';

interface Balance {
  programId: string;
  available: number;
  pending: number;
  expiringSoon: number;
  awaitingExpiry: number;
}
interface Lot {
  lotId: string;
  sourceRef: string;
  amount: number;
  remaining: number;
  expired: number;
  expiresAt: string;
  state: string;
}
interface HistoryLine {
  type: string;
  points: number;
  ref: string;
  programId: string;
}

describe('expiry on the real network: campaign lots swept by the manual run and by the scheduled job', () => {
  let world: TwoMallWorld;
  let A: MallApi;
  let B: MallApi;
  const s = uniqueId('exp');
  const programA = `ea-${s}`;
  const programB = `eb-${s}`;
  const member: Member = newMember();
  const first = { sourceRef: `camp1-${s}`, amount: 40, at: 0 };
  const second = { sourceRef: `camp2-${s}`, amount: 25, at: 0 };
  const balancePath = `/v1/points/balances?member=${member.did}&programId=${programA}`;
  const lotsPath = `/v1/points/lots?member=${member.did}&programId=${programA}&includeEmpty=true`;
  const historyPath = `/v1/points/history?member=${member.did}`;
  const until = async (ms: number): Promise<void> => {
    const wait = ms - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };

  /** The balance on both caches (each equal to its own peer) and on Mall B's peer directly: one answer. */
  const balanceEverywhere = async (): Promise<Balance> => {
    const onA = await A.sameAsLedger<{ balances: Balance[] }>(balancePath);
    expect(await B.sameAsLedger(balancePath)).toEqual(onA);
    const peerB = await evaluate(world.peerB, 'points:GetBalance', {
      member: member.did,
      programId: programA,
      expiringWithinDays: 30,
    });
    expect(peerB).toEqual(onA);
    return onA.balances[0] as Balance;
  };
  /** Polls until every view of the balance matches `expected` (a sweep queued but not yet committed and projected). */
  const balanceBecomes = (expected: Partial<Balance>): Promise<Balance> =>
    poll(
      `balance ${JSON.stringify(expected)} everywhere`,
      async () => {
        const b = await balanceEverywhere();
        expect(b).toMatchObject(expected);
        return b;
      },
      90_000,
      500,
    );
  const intakeItems = async (): Promise<number> => {
    const rows = await world.a.app.app
      .get(DataSource)
      .query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items');
    return rows[0]?.n ?? -1;
  };

  beforeAll(async () => {
    world = await twoMallWorld({
      scopes: ['points:read', 'points:write', 'consortium:admin', 'intake:read'],
      points: true,
    });
    A = mallApi(world.a);
    B = mallApi(world.b);
    const program = { unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0, name: 'Rewards' };
    await A.ok('/v1/points/programs', { ...program, programId: programA });
    await B.ok('/v1/points/programs', { ...program, programId: programB });
    await createDid(world.peerA, world.channel, member);
    // Both malls' caches know Mall A's program before the runs (the manual run checks this mall's read model).
    await A.sameAsLedger(`/v1/points/programs/${programA}`);
    await B.sameAsLedger(`/v1/points/programs/${programB}`);
  }, 300_000);
  afterAll(() => (world as TwoMallWorld | undefined)?.close());

  it('refuses a campaign date in the past on the ledger, naming the item, with nothing credited', async () => {
    const bad = {
      programId: programA,
      items: [
        {
          member: member.did,
          amount: 5,
          sourceRef: `past-${s}`,
          expiresAt: new Date(Date.now() - 60_000).toISOString(),
        },
      ],
    };
    const refused = await world.peerA.submit('points:AccrueBatch', [JSON.stringify(bad)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'INPUT_INVALID' });
    expect((refused as Error).message).toContain('items[0].expiresAt: must be after the transaction time');
    await expect(
      evaluate(world.peerB, 'points:GetAccrual', { programId: programA, sourceRef: `past-${s}` }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('credits regular and campaign points; each lot carries its own expiry on both caches and peers', async () => {
    // Far enough ahead for the checks before the first sweep on a loaded machine (four suites share two cores).
    first.at = Date.now() + 150_000;
    second.at = first.at + 45_000;
    const items = [
      { member: member.did, amount: 100, sourceRef: `reg-${s}` },
      {
        member: member.did,
        amount: first.amount,
        sourceRef: first.sourceRef,
        expiresAt: new Date(first.at).toISOString(),
      },
      {
        member: member.did,
        amount: second.amount,
        sourceRef: second.sourceRef,
        expiresAt: new Date(second.at).toISOString(),
      },
    ];
    await world.peerA.submit('points:AccrueBatch', [JSON.stringify({ programId: programA, items })]);
    expect(await balanceEverywhere()).toMatchObject({ available: 165, awaitingExpiry: 0, expiringSoon: 65 });
    const lots = await A.sameAsLedger<Lot[]>(lotsPath);
    expect(await B.sameAsLedger<Lot[]>(lotsPath)).toEqual(lots);
    const bySource = new Map(lots.map((l) => [l.sourceRef, l]));
    expect(bySource.get(first.sourceRef)?.expiresAt).toBe(new Date(first.at).toISOString());
    expect(bySource.get(second.sourceRef)?.expiresAt).toBe(new Date(second.at).toISOString());
    expect(Date.parse(bySource.get(`reg-${s}`)?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    // A run before any date has passed sweeps nothing.
    await A.ok(`/v1/points/programs/${programA}/expire`, { limit: 10 });
    expect(await balanceEverywhere()).toMatchObject({ available: 165, awaitingExpiry: 0 });
  });

  it('refuses bad manual runs before storing anything: unknown program 404, another mall’s 403, malformed 400', async () => {
    const before = await intakeItems();
    const unknown = await A.raw<{ code: string; message: string }>('POST', `/v1/points/programs/nope-${s}/expire`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain(`program nope-${s} does not exist`);
    const foreign = await A.raw<{ message: string }>('POST', `/v1/points/programs/${programB}/expire`, {});
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toContain('issued by MallBMSP');
    for (const [path, body] of [
      [`/v1/points/programs/${programA}/expire`, { limit: 0 }],
      [`/v1/points/programs/${programA}/expire`, { limit: 501 }],
      [`/v1/points/programs/${programA}/expire`, { limit: 10, extra: true }],
      ['/v1/points/programs/a%20b/expire', {}],
    ] as const) {
      expect((await A.raw('POST', path, body)).status).toBe(400);
    }
    expect(await intakeItems()).toBe(before);
  });

  it('the manual run sweeps the first campaign lot once its date has passed; balance, lots, history agree', async () => {
    await until(first.at + 2_000);
    expect(await balanceEverywhere()).toMatchObject({ available: 125, awaitingExpiry: 40 });
    await A.ok(`/v1/points/programs/${programA}/expire`, {});
    // The second campaign lot (25) is still available, or already awaiting its own sweep: 125 points either way.
    const after = await balanceEverywhere();
    expect(after.available + after.awaitingExpiry).toBe(125);
    const lots = await A.sameAsLedger<Lot[]>(lotsPath);
    expect(await B.sameAsLedger<Lot[]>(lotsPath)).toEqual(lots);
    expect(lots.find((l) => l.sourceRef === first.sourceRef)).toMatchObject({
      remaining: 0,
      expired: first.amount,
      state: 'empty',
    });
    const history = await A.sameAsLedger<HistoryLine[]>(historyPath);
    expect(await B.sameAsLedger<HistoryLine[]>(historyPath)).toEqual(history);
    const lotId = lots.find((l) => l.sourceRef === first.sourceRef)?.lotId;
    expect(history[0]).toMatchObject({ type: 'expire', points: -first.amount, ref: lotId, programId: programA });
  }, 360_000);

  it('the scheduled job sweeps the second once due; a further run changes nothing', async () => {
    await until(second.at + 2_000);
    expect(await balanceEverywhere()).toMatchObject({ available: 100, awaitingExpiry: second.amount });
    const queued = await world.a.app.app.get(ExpiryScheduler).runOnce(Date.now());
    expect(queued).toContain(programA);
    expect(queued).not.toContain(programB);
    await balanceBecomes({ available: 100, awaitingExpiry: 0, expiringSoon: 0 });
    const lots = await B.sameAsLedger<Lot[]>(lotsPath);
    expect(
      lots
        .filter((l) => l.expired > 0)
        .map((l) => [l.sourceRef, l.expired])
        .sort(),
    ).toEqual(
      [
        [first.sourceRef, first.amount],
        [second.sourceRef, second.amount],
      ].sort(),
    );
    const history = await B.sameAsLedger<HistoryLine[]>(historyPath);
    expect(
      history
        .filter((h) => h.type === 'expire')
        .map((h) => h.points)
        .sort(),
    ).toEqual([-first.amount, -second.amount].sort());
    // Another manual run finds nothing due: the regular lot stays.
    await A.ok(`/v1/points/programs/${programA}/expire`, {});
    expect(await balanceEverywhere()).toMatchObject({ available: 100, awaitingExpiry: 0 });
    expect((await A.sameAsLedger<HistoryLine[]>(historyPath)).filter((h) => h.type === 'expire')).toHaveLength(2);
  }, 360_000);
});
