/**
 * The integrator API of the points contract on the real dev network, two malls, each with its own middleware
 * (LEDGER_USER=admin) and Postgres: programs and merchants registered through /v1/points, points earned (straight
 * on the ledger, as the Haide adapter's intake would), a cross-mall redemption with a consent this test signs,
 * balances / lots / history / clearing from each cache equal to the peers, a period closed and confirmed by both
 * malls, an expiry run, and rebuild equal. Settlement periods are channel-wide: see the note at the close step.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import canonicalize from 'canonicalize';
import { pushSales, receiptOf } from '../../src/adapters/haide/simulator/pos-simulator';
import { PrinterIdentity, printReceipt } from '../../src/devices/simulators/printer';
import { PartnerCredentialsService } from '../../src/partners/partner-credentials.service';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { uniqueId } from '../ledger/network';
import { call, committedItem, poll, type IntakeView } from './support/http';
import type { RealApp } from './support/real-app';
import { createDid, newMember } from './support/points-world';
import { type TwoMallWorld, twoMallWorld } from './support/two-mall-world';

const SCOPES = [
  'points:read',
  'points:write',
  'consortium:admin',
  'intake:read',
  'ops:admin',
  'devices:write',
] as const;

describe('/v1/points on the real network, two malls', () => {
  let a: RealApp;
  let b: RealApp;
  let keyA: string;
  let keyB: string;
  let peerA: LedgerPort;
  let peerB: LedgerPort;
  let channel: string;
  const s = uniqueId('pts');
  const programA = `pa-${s}`;
  const programB = `pb-${s}`;
  const food = `food-${s}`;
  const parking = `park-${s}`;
  const member = newMember();

  const ok = async (app: RealApp, key: string, path: string, body: unknown): Promise<IntakeView> => {
    const r = await call<{ trackingId: string }>(app.base, key, 'POST', path, body);
    expect([200, 202]).toContain(r.status);
    return committedItem(app.base, key, r.body.trackingId);
  };
  const get = async <T>(app: RealApp, key: string, path: string): Promise<T> => {
    const r = await call<T>(app.base, key, 'GET', path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** Cache and peer agree (the cache catches up with the projection). */
  const sameAsLedger = <T>(app: RealApp, key: string, path: string): Promise<T> =>
    poll(`${path} equal to the ledger`, async () => {
      const sep = path.includes('?') ? '&' : '?';
      const [cache, ledger] = await Promise.all([
        get<T>(app, key, path),
        get<T>(app, key, `${path}${sep}consistency=ledger`),
      ]);
      const [c, l] = [canonicalize(cache), canonicalize(ledger)];
      if (c !== l) throw new Error(`cache ${c ?? ''} differs from the ledger ${l ?? ''}`);
      return cache;
    });

  let world: TwoMallWorld | undefined;

  beforeAll(async () => {
    const w = (world = await twoMallWorld({ scopes: SCOPES, points: true }));
    ({ channel, peerA, peerB } = w);
    [a, keyA, b, keyB] = [w.a.app, w.a.key, w.b.app, w.b.key];
  });
  afterAll(() => world?.close());

  it('registers each mall’s program and merchant through its own middleware; both caches mirror both', async () => {
    await ok(a, keyA, '/v1/points/programs', {
      programId: programA,
      name: 'Mall A Rewards',
      unitValueFen: 10,
      expiryMonths: 12,
      returnWindowDays: 0,
    });
    await ok(b, keyB, '/v1/points/programs', {
      programId: programB,
      name: 'Mall B Club',
      unitValueFen: 5,
      expiryMonths: 24,
      returnWindowDays: 7,
    });
    await ok(a, keyA, '/v1/points/merchants', {
      merchantId: food,
      name: 'Food court',
      category: 'food',
      programId: programA,
    });
    await ok(b, keyB, '/v1/points/merchants', {
      merchantId: parking,
      name: 'Car park',
      category: 'parking',
      programId: programB,
    });
    const onB = await sameAsLedger<{ issuer: string }>(b, keyB, `/v1/points/programs/${programA}`);
    expect(onB.issuer).toBe('MallAMSP');
    const park = await sameAsLedger<{ mall: string; category: string }>(a, keyA, `/v1/points/merchants/${parking}`);
    expect(park).toMatchObject({ mall: 'MallBMSP', category: 'parking' });
    // Mall A cannot register a merchant in Mall B's program: accepted durably, refused by the chaincode (dead).
    const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/points/merchants', {
      merchantId: `x-${s}`,
      name: 'x',
      category: 'retail',
      programId: programB,
    });
    const dead = await poll('foreign-program merchant dead', async () => {
      const v = await get<IntakeView>(a, keyA, `/v1/intake/${r.body.trackingId}`);
      return v.status === 'dead' ? v : undefined;
    });
    expect(dead.errorCode).toMatch(/^(AUTH|POINTS|INPUT)/);
  });

  it('earns, redeems at Mall B with the member’s consent, and every cache read equals the peers', async () => {
    await createDid(peerA, channel, member);
    for (let i = 0; i < 3; i++)
      await peerA.submit('points:Accrue', [
        canonicalize({
          programId: programA,
          member: member.did,
          amount: 100,
          sourceRef: `rcpt-${s}-${i}`,
          merchant: food,
        }) ?? '',
      ]);
    const bal = `/v1/points/balances?member=${member.did}&programId=${programA}`;
    const before = await sameAsLedger<{ balances: { available: number }[] }>(a, keyA, bal);
    expect(before.balances[0]?.available).toBe(300);
    const acc = await sameAsLedger<{ amount: number }>(
      a,
      keyA,
      `/v1/points/accruals?programId=${programA}&sourceRef=rcpt-${s}-1`,
    );
    expect(acc.amount).toBe(100);

    const terms = {
      merchant: parking,
      ref: `ticket-${s}`,
      member: member.did,
      programId: programA,
      amount: 120,
      nonce: `n-${s}`.slice(0, 64).replace(/[^A-Za-z0-9_-]/g, '-'),
      deadline: new Date(Date.now() + 10 * 60_000).toISOString(),
    };
    const { ref: _ref, ...signedPart } = terms;
    const consent = {
      kid: member.kid,
      signature: member.sign({ action: 'points.redeem', chaincode: 'mallchain', channel, ...signedPart }),
    };
    // A consent by another key: durable at the intake, refused on the ledger, nothing redeemed.
    const forged = newMember();
    const bad = await call<{ trackingId: string }>(b.base, keyB, 'POST', '/v1/points/redemptions', {
      ...terms,
      ref: `forged-${s}`,
      consent: {
        kid: member.kid,
        signature: forged.sign({ action: 'points.redeem', chaincode: 'mallchain', channel, ...signedPart }),
      },
    });
    const deadItem = await poll('forged redemption dead', async () => {
      const v = await get<IntakeView>(b, keyB, `/v1/intake/${bad.body.trackingId}`);
      return v.status === 'dead' ? v : undefined;
    });
    expect(deadItem.errorCode).toBe('AUTH_SIGNATURE');

    await ok(b, keyB, '/v1/points/redemptions', { ...terms, consent });
    const again = await call<{ outcome: string }>(b.base, keyB, 'POST', '/v1/points/redemptions', {
      ...terms,
      consent,
    });
    expect(again.body.outcome).toBe('duplicate');
    const red = await sameAsLedger<{ valueFen: number; mall: string }>(
      b,
      keyB,
      `/v1/points/redemptions?merchant=${parking}&ref=${terms.ref}`,
    );
    expect(red).toMatchObject({ valueFen: 1200, mall: 'MallBMSP' });

    const after = await sameAsLedger<{ balances: { available: number }[] }>(a, keyA, bal);
    expect(after.balances[0]?.available).toBe(180);
    // Mall B's cache, fed by its own peer, has the same balance.
    expect(await sameAsLedger(b, keyB, bal)).toEqual(after);
    const ledgerB = JSON.parse(
      Buffer.from(
        await peerB.evaluate('points:GetBalance', [
          canonicalize({ member: member.did, programId: programA, expiringWithinDays: 30 }) ?? '',
        ]),
      ).toString(),
    ) as unknown;
    expect(after).toEqual(ledgerB);
    await sameAsLedger(a, keyA, `/v1/points/lots?member=${member.did}&includeEmpty=true`);
    const history = await sameAsLedger<{ type: string }[]>(a, keyA, `/v1/points/history?member=${member.did}`);
    expect(history.map((h) => h.type)).toEqual(['redeem', 'accrue', 'accrue', 'accrue']);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const clearing = await sameAsLedger<{ debtor: string; creditor: string; amountFen: number; ref: string }[]>(
      a,
      keyA,
      `/v1/points/clearing?from=${from}&to=${to}&mall=MallBMSP`,
    );
    expect(clearing.find((c) => c.ref === `${parking}/${terms.ref}`)).toMatchObject({
      debtor: 'MallAMSP',
      creditor: 'MallBMSP',
      amountFen: 1200,
    });
  });

  it('earns through the Haide endpoint (explicit score, earn rule), a partial return, duplicates and conflicts', async () => {
    const shopper = newMember();
    await createDid(peerA, channel, shopper);
    const short = s.slice(-12);
    const posNo = `P-${short}`;
    const card = `C-${short}`;
    const put = (path: string, body: unknown): ReturnType<typeof call> => call(a.base, keyA, 'PUT', path, body);
    expect(
      (
        await put(`/v1/points/tills/MALL-A/${posNo}`, {
          merchantId: food,
          tenant: 'Food court',
          programId: programA,
          category: 'food',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await put(`/v1/points/earn-rules/${programA}`, {
          pointsPerYuan: '1',
          rounding: 'floor',
          categoryMultipliers: {},
          excludedPayCls: ['points'],
        })
      ).status,
    ).toBe(200);
    expect((await call(a.base, keyA, 'POST', '/v1/points/members', { did: shopper.did, cardNos: [card] })).status).toBe(
      201,
    );
    const p = await a.app.get(PartnerCredentialsService).create('haide', 'MALL-A', 'e2e');
    const pos = { url: a.base, appId: p.appId, secret: p.secret, orgCode: 'MALL-A' };
    const at = new Date();
    const sale1 = receiptOf({ posNo, flowNo: `F1-${short}`, fen: 10_000, cardNo: card, score: 50, at });
    const sale2 = receiptOf({ posNo, flowNo: `F2-${short}`, fen: 8_850, cardNo: card, at });
    const r1 = await pushSales(pos, sale1);
    expect(r1.status).toBe(202);
    expect(r1.body.data).toMatchObject({ status: 'accepted', points: 50 });
    const r2 = await pushSales(pos, sale2);
    expect(r2.body.data).toMatchObject({ status: 'accepted', points: 88 });
    const dup = await pushSales(pos, sale1);
    expect(dup.status).toBe(200);
    expect(dup.body.data).toMatchObject({ status: 'duplicate', points: 50 });
    const conflict = await pushSales(pos, { ...sale1, realAmt: '99.00' });
    expect(conflict.status).toBe(409);
    const ret = await pushSales(
      pos,
      receiptOf({ posNo, flowNo: `R2-${short}`, fen: 4_425, backFlowNo: `F2-${short}`, at }),
    );
    expect(ret.body.data).toMatchObject({ status: 'accepted', points: 44 });

    const bal = `/v1/points/balances?member=${shopper.did}&programId=${programA}`;
    const balance = await poll('Haide points on the ledger and in the cache', async () => {
      const b0 = await sameAsLedger<{ balances: { available: number }[] }>(a, keyA, bal);
      return b0.balances[0]?.available === 94 ? b0 : undefined;
    });
    expect(balance.balances[0]?.available).toBe(94);
    const acc = await sameAsLedger<{ amount: number; reversed: number }>(
      a,
      keyA,
      `/v1/points/accruals?programId=${programA}&sourceRef=${encodeURIComponent(`haide:MALL-A/${posNo}/F2-${short}`)}`,
    );
    expect(acc).toMatchObject({ amount: 88, reversed: 44 });
    // Mall B's peer counts the same credit for the receipt that was pushed twice: once.
    const onB = JSON.parse(
      Buffer.from(
        await peerB.evaluate('points:GetAccrual', [
          canonicalize({ programId: programA, sourceRef: `haide:MALL-A/${posNo}/F1-${short}` }) ?? '',
        ]),
      ).toString(),
    ) as { amount: number };
    expect(onB.amount).toBe(50);
  });

  it('an e-receipt-backed accrual at Mall A verifies at Mall B through B’s own peer; a tampered receipt does not', async () => {
    // The till, earn rule and card of the Haide test above (Mall A's Postgres keeps them).
    const short = s.slice(-12);
    const posNo = `P-${short}`;
    const printer = new PrinterIdentity(path.join(mkdtempSync(path.join(tmpdir(), 'mc-erc-')), 'printer.pem'));
    const reg = await call<{ trackingId: string }>(
      a.base,
      keyA,
      'POST',
      '/v1/devices',
      printer.registration(channel, 'mallchain', 'MallAMSP', 'Mall A'),
    );
    expect(reg.status).toBe(202);
    expect((await committedItem(a.base, keyA, reg.body.trackingId, 180_000)).status).toBe('committed');

    // The printer's key is valid from its registration's transaction time; Haide times have whole seconds.
    await new Promise((r) => setTimeout(r, 1100));
    const p = await a.app.get(PartnerCredentialsService).create('haide', 'MALL-A', 'e2e-printer');
    const pos = { url: a.base, appId: p.appId, secret: p.secret, orgCode: 'MALL-A' };
    const flowNo = `E1-${short}`;
    const printed = printReceipt(
      printer,
      receiptOf({ posNo, flowNo, fen: 12_000, cardNo: `C-${short}`, at: new Date() }),
      channel,
    );
    const pushed = await pushSales(pos, printed);
    expect(pushed.status).toBe(202);
    expect(pushed.body.data).toMatchObject({ status: 'accepted', points: 120 });
    const sourceRef = `haide:MALL-A/${posNo}/${flowNo}`;
    // Committed on the ledger: B's peer has the accrual naming the printer's attestation.
    const onB = await poll('the e-receipt accrual on Mall B’s peer', async () => {
      try {
        const raw = await peerB.evaluate('points:GetAccrual', [canonicalize({ programId: programA, sourceRef }) ?? '']);
        return JSON.parse(Buffer.from(raw).toString()) as { amount: number; attestation?: { deviceDid: string } };
      } catch {
        return undefined;
      }
    });
    expect(onB).toMatchObject({ amount: 120, attestation: { deviceDid: printer.key.did } });

    const evidence = { kind: 'e-receipt', mallMspId: 'MallAMSP', programId: programA, orgCode: 'MALL-A' };
    type Verdict = { verified: boolean; checks: Record<string, boolean>; problems: string[] };
    const verified = await poll('Mall B verifies the e-receipt through its own peer', async () => {
      const v = await call<Verdict>(b.base, keyB, 'POST', '/v1/proofs/e-receipt/verify', {
        ...evidence,
        receipt: printed,
      });
      expect(v.status).toBe(200);
      return v.body.verified ? v.body : undefined;
    });
    expect(verified).toMatchObject({ verified: true, problems: [] });
    expect(Object.values(verified.checks).every((ok) => ok)).toBe(true);
    const tampered = await call<Verdict>(b.base, keyB, 'POST', '/v1/proofs/e-receipt/verify', {
      ...evidence,
      receipt: { ...printed, realAmt: '1200.00' },
    });
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({ verified: false, checks: { digest: false } });
  });

  it('runs an expiry sweep of Mall A’s program on request (nothing is due: lots expire in 12 months)', async () => {
    const item = await ok(a, keyA, `/v1/points/programs/${programA}/expire`, { limit: 10 });
    expect(item.status).toBe('committed');
    const bal = await get<{ balances: { available: number }[] }>(
      a,
      keyA,
      `/v1/points/balances?member=${member.did}&programId=${programA}`,
    );
    expect(bal.balances[0]?.available).toBe(180);
  });

  it('closes a period ending at least 30 minutes ago and both malls confirm it; statements equal on both caches', async () => {
    // settlement.e2e.ts closes periods on the same ledger beside this file: a close that raced one of its closes
    // (the bound moved between the read and the close) is tried again from the new bound.
    let from = '';
    let to = '';
    for (let attempt = 1; ; attempt++) {
      const bound = JSON.parse(Buffer.from(await peerB.evaluate('points:GetClosedBound', ['{}'])).toString()) as {
        to: string;
      } | null;
      from = bound?.to ?? '2000-01-01T00:00:00.000Z';
      to = new Date(Date.now() - 31 * 60_000).toISOString();
      // A shared ledger closed by a run less than 31 minutes ago has no next period yet: the lag at work.
      if (Date.parse(to) <= Date.parse(from)) {
        const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/points/periods/close', {
          from,
          to: new Date().toISOString(),
        });
        const v = await poll('early close dead', async () => {
          const x = await get<IntakeView>(a, keyA, `/v1/intake/${r.body.trackingId}`);
          return x.status === 'dead' ? x : undefined;
        });
        expect(v.errorCode).toBe('POINTS_PERIOD_OPEN');
        return;
      }
      const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/points/periods/close', { from, to });
      expect([200, 202]).toContain(r.status);
      const v = await poll('the close settled', async () => {
        const x = await get<IntakeView>(a, keyA, `/v1/intake/${r.body.trackingId}`);
        return x.status === 'pending' ? undefined : x;
      });
      if (v.status === 'committed') break;
      const raced = v.errorCode === 'POINTS_PERIOD_CLOSED' || v.errorCode === 'POINTS_PERIOD_GAP';
      if (attempt >= 3 || !raced) throw new Error(`close ${from}..${to}: ${v.errorCode ?? v.status}`);
    }
    const periodId = `${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
    const path = `/v1/points/statements/${encodeURIComponent(periodId)}`;
    const { statement } = await sameAsLedger<{ statement: { positions: { mall: string }[] } }>(b, keyB, path);
    // Only a mall with a position in the statement may confirm it; the others are refused by the chaincode.
    const holders = new Set(statement.positions.map((p) => p.mall));
    for (const [app, key, mall] of [
      [a, keyA, 'MallAMSP'],
      [b, keyB, 'MallBMSP'],
    ] as const) {
      if (holders.has(mall)) {
        await ok(app, key, `${path}/confirm`, {});
        continue;
      }
      const r = await call<{ trackingId: string }>(app.base, key, 'POST', `${path}/confirm`, {});
      const v = await poll(`${mall} confirmation refused`, async () => {
        const x = await get<IntakeView>(app, key, `/v1/intake/${r.body.trackingId}`);
        return x.status === 'dead' ? x : undefined;
      });
      expect(v.errorCode).toBe('AUTH_FORBIDDEN');
    }
    const onB = await sameAsLedger<{ confirmations: { mall: string }[] }>(b, keyB, path);
    expect(onB.confirmations.map((c) => c.mall).sort()).toEqual([...holders].sort());
    expect(await sameAsLedger(a, keyA, path)).toEqual(onB);
  });

  it('rebuilds Mall A’s read model from block 0 equal to the live one, points tables included', async () => {
    const r = await call<{ equal: boolean; tables: { table: string }[] }>(
      a.base,
      keyA,
      'POST',
      '/v1/admin/projection/rebuild',
      {},
    );
    expect(r.status).toBe(200);
    expect(r.body.equal).toBe(true);
    expect(r.body.tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['points_lots', 'points_balances', 'points_clearing']),
    );
  });
});
