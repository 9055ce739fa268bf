/**
 * Adjustments in the Haide reconciliation with `verify=ledger`, on the real dev network: a till's sale on Mall A,
 * then a credit and a debit correction (`/haide/v1/points/adjust`) of the same business day; the reconciliation's
 * `adjustments` (cache) and `adjustments.ledger` (recomputed by Mall A's middleware from its own peer: the credit's
 * accrual, the debit's `points:GetAdjustment`) are equal, and so is a count made independently with Mall B's
 * identity on Mall B's peer. A repeat is a duplicate, other content under the same adjustNo a 409, a debit past the
 * balance a 409 and a bad reason code a 400, each with nothing stored: the day's figures do not move.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
import { haideTime, receiptOf } from '../../src/adapters/haide/simulator/pos-simulator';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { PartnerCredentialsService } from '../../src/partners/partner-credentials.service';
import { requireNetwork, uniqueId } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { openChecker } from './support/ledger-check';
import { evaluate } from './support/points-world';
import { startRealApp, type RealApp } from './support/real-app';

interface Answer<T = Record<string, unknown>> {
  success: boolean;
  message: string;
  data: T;
}
interface Figures {
  committed: number;
  pointsCredited: number;
  pointsDebited: number;
}
type Adjustments = Figures & { accepted: number; pending: number; failed: number; ledger?: Figures };
interface Reconciliation {
  tills: { posNo: string; committed: number; pointsCredited: number; ledger?: Record<string, number> }[];
  adjustments: Adjustments;
  verify?: string;
  mismatches?: unknown[];
}

describe('Haide adjustments reconciled with verify=ledger on the real network', () => {
  let a: RealApp;
  let key: string;
  let peerB: LedgerPort;
  const s = uniqueId('adj').slice(-14);
  const org = `AJ-${s}`;
  const programId = `aj-${s}`;
  const merchantId = `aj-shop-${s}`;
  const posNo = `T1-${s}`;
  const card = `AC-${s}`;
  let pos: { appId: string; secret: string };
  let businessDate = '';

  const signed = (data: Record<string, unknown>): Record<string, unknown> => {
    const timestamp = String(Date.now());
    const nonce = randomBytes(8).toString('hex');
    const sign = haideSign(Buffer.from(pos.secret), pos.appId, timestamp, nonce, data);
    return { appId: pos.appId, timestamp: Number(timestamp), nonce, orgCode: org, sign, data };
  };
  const haide = async (path: string, data: Record<string, unknown>): Promise<{ status: number; body: Answer }> => {
    const res = await fetch(`${a.base}/haide/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signed(data)),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const reconciliation = async (extra: Record<string, string> = {}): Promise<Answer<Reconciliation>> => {
    const data = { businessDate, orgCode: org, ...extra };
    const timestamp = String(Date.now());
    const nonce = randomBytes(8).toString('hex');
    const sign = haideSign(Buffer.from(pos.secret), pos.appId, timestamp, nonce, data);
    const qs = new URLSearchParams({ appId: pos.appId, timestamp, nonce, sign, ...data });
    const res = await fetch(`${a.base}/haide/v1/reconciliation?${qs.toString()}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Answer<Reconciliation>;
  };
  const ok = async (method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await call(a.base, key, method, path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const adjustItems = async (): Promise<number> => {
    const rows = await a.app
      .get(DataSource)
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM intake_items WHERE kind = 'haide.adjust'`);
    return rows[0]?.n ?? -1;
  };

  beforeAll(async () => {
    const networkFile = requireNetwork();
    a = await startRealApp(networkFile, {
      mspId: 'MallAMSP',
      extra: {
        LEDGER_USER: 'admin',
        PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
        MEMBER_DATA_KEY: randomBytes(32).toString('base64'),
      },
    });
    key = (
      await a.app
        .get(ApiKeysService)
        .create('MallAMSP', 'e2e', ['points:read', 'points:write', 'consortium:admin', 'intake:read'])
    ).key;
    peerB = await openChecker(networkFile, 'MallBMSP');
    const program = { programId, name: 'Adjust', unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0 };
    await committedItem(a.base, key, String((await ok('POST', '/v1/points/programs', program)).trackingId));
    const merchant = { merchantId, name: 'Shop', category: 'retail', programId };
    await committedItem(a.base, key, String((await ok('POST', '/v1/points/merchants', merchant)).trackingId));
    await ok('PUT', `/v1/points/tills/${org}/${posNo}`, { merchantId, tenant: 'Shop', programId, category: 'retail' });
    const did = await ok('POST', '/v1/custodial-dids', {});
    await committedItem(a.base, key, String(did.trackingId));
    await ok('POST', '/v1/points/members', { did: did.did, cardNos: [card] });
    const p = await a.app.get(PartnerCredentialsService).create('haide', org, 'e2e');
    pos = { appId: p.appId, secret: p.secret };
  }, 300_000);
  afterAll(async () => {
    (peerB as LedgerPort | undefined)?.close();
    await (a as RealApp | undefined)?.close();
  });

  it('a sale, a credit and a debit of one day: adjustments.ledger equals the cache and Mall B’s peer', async () => {
    const at = new Date();
    businessDate = haideTime(at).slice(0, 10).replaceAll('.', '-');
    const sale = receiptOf({ posNo, flowNo: 'S1', fen: 10_000, cardNo: card, score: 100, at });
    const pushed = await haide('sales', sale);
    expect(pushed.status).toBe(202); // accepted; the accrual follows through the intake
    // The sale must be on the ledger before a debit can take its points.
    await poll(
      'the sale committed',
      async () => {
        const day = await reconciliation();
        return day.data.tills.some((t) => t.posNo === posNo && t.committed === 1) ? true : undefined;
      },
      90_000,
      500,
    );
    const credit = await haide('points/adjust', { adjustNo: 'ADJ-C', cardNo: card, points: 30, reasonCode: 'BONUS' });
    expect([credit.status, credit.body.data.ledgerStatus]).toEqual([200, 'committed']);
    const debit = await haide('points/adjust', {
      adjustNo: 'ADJ-D',
      cardNo: card,
      points: -20,
      reasonCode: 'WRONG_RECEIPT',
      memo: 'double credit',
    });
    expect([debit.status, debit.body.data.ledgerStatus, debit.body.data.balance]).toEqual([200, 'committed', 110]);

    const verified = await reconciliation({ verify: 'ledger' });
    expect(verified.message).toBe('equal to the ledger');
    expect(verified.data.verify).toBe('ledger');
    expect(verified.data.mismatches).toEqual([]);
    const figures = { committed: 2, pointsCredited: 30, pointsDebited: 20 };
    expect(verified.data.adjustments).toMatchObject({ accepted: 2, pending: 0, failed: 0, ...figures });
    expect(verified.data.adjustments.ledger).toEqual(figures);
    const till = verified.data.tills.find((t) => t.posNo === posNo);
    expect(till).toMatchObject({ committed: 1, pointsCredited: 100 });
    expect(till?.ledger).toMatchObject({ committed: 1, pointsCredited: 100 });

    // Independently, with Mall B's identity on Mall B's peer: the credit is an accrual, the debit an adjustment.
    const accrual = await evaluate<{ amount: number; member: string }>(peerB, 'points:GetAccrual', {
      programId,
      sourceRef: `haide-adjust:${org}/ADJ-C/BONUS`,
    });
    const adjustment = await evaluate<{ amount: number; reasonCode: string; member: string }>(
      peerB,
      'points:GetAdjustment',
      { programId, ref: `haide-adjust:${org}/ADJ-D` },
    );
    expect(accrual.amount).toBe(figures.pointsCredited);
    expect(adjustment).toMatchObject({ amount: figures.pointsDebited, reasonCode: 'WRONG_RECEIPT' });
    expect(adjustment.member).toBe(accrual.member);
    // Without verify, the cache figures alone.
    const plain = await reconciliation();
    expect(plain.data.adjustments).toMatchObject(figures);
    expect(plain.data.adjustments.ledger).toBeUndefined();
  });

  it('repeats, conflicts and bad adjustments leave the day as it was, nothing stored', async () => {
    const before = await adjustItems();
    const again = await haide('points/adjust', { adjustNo: 'ADJ-C', cardNo: card, points: 30, reasonCode: 'BONUS' });
    expect([again.status, again.body.data.status]).toEqual([200, 'duplicate']);
    const conflict = await haide('points/adjust', { adjustNo: 'ADJ-D', cardNo: card, points: -21, reasonCode: 'X' });
    expect(conflict.status).toBe(409);
    const tooMuch = await haide('points/adjust', { adjustNo: 'ADJ-X', cardNo: card, points: -5_000, reasonCode: 'X' });
    expect([tooMuch.status, tooMuch.body.message]).toEqual([409, expect.stringContaining('POINTS_INSUFFICIENT')]);
    const badReason = await haide('points/adjust', {
      adjustNo: 'ADJ-Y',
      cardNo: card,
      points: 5,
      reasonCode: 'no spaces',
    });
    expect(badReason.status).toBe(400);
    const unknownCard = await haide('points/adjust', { adjustNo: 'ADJ-Z', cardNo: 'NOPE', points: 5, reasonCode: 'X' });
    expect(unknownCard.status).toBe(400);
    expect(await adjustItems()).toBe(before);
    const verified = await reconciliation({ verify: 'ledger' });
    expect(verified.message).toBe('equal to the ledger');
    expect(verified.data.adjustments.ledger).toEqual({ committed: 2, pointsCredited: 30, pointsDebited: 20 });
  });
});
