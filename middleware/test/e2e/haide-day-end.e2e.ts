/**
 * The Haide day end on the real dev network: a whole business day uploaded as JSON Lines to Mall A's middleware
 * (`/haide/v1/sales/batch`, two tills, sales with and without score, an anonymous sale, a partial return, bad lines),
 * the same file again (duplicates only), then `/haide/v1/reconciliation` of that day compared with a count made
 * independently through Mall B's peer, with Mall B's identity: the chaincode events of every block since the
 * upload, accruals and reversals per till.
 */
import { createHash, randomBytes } from 'node:crypto';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
import { haideTime, receiptOf } from '../../src/adapters/haide/simulator/pos-simulator';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { PartnerCredentialsService } from '../../src/partners/partner-credentials.service';
import { requireNetwork, uniqueId } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { changesOf, eventsSince, openChecker, putNote } from './support/ledger-check';
import { startRealApp, type RealApp } from './support/real-app';

interface TillDay {
  posNo: string;
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  committed: number;
  pending: number;
  failed: number;
  parked: number;
  pointsCredited: number;
  pointsReversed: number;
}

interface Change {
  readonly entity: string;
  readonly op: string;
  readonly data?: { sourceRef?: string; reversalRef?: string; amount?: number; reversed?: number };
}

/** Per till: receipts with a ledger effect, points credited and reversed, from Mall B's peer's events. */
async function countThroughPeer(
  peer: LedgerPort,
  fromBlock: bigint,
  orgCode: string,
): Promise<Map<string, { committed: number; credited: number; reversed: number }>> {
  const out = new Map<string, { committed: number; credited: number; reversed: number }>();
  const till = (ref: string): { committed: number; credited: number; reversed: number } => {
    const posNo = ref.split('/')[1] ?? '';
    const t = out.get(posNo) ?? { committed: 0, credited: 0, reversed: 0 };
    out.set(posNo, t);
    return t;
  };
  const prefix = `haide:${orgCode}/`;
  for (const e of await eventsSince(peer, fromBlock, uniqueId('day-end-fence'))) {
    if (e.eventName !== 'mallchain.changes') continue;
    for (const c of changesOf<Change>(e.payload)) {
      const d = c.data ?? {};
      if (c.op !== 'put') continue;
      if (c.entity === 'accrual' && d.reversed === 0 && d.sourceRef?.startsWith(prefix) === true) {
        const t = till(d.sourceRef);
        t.committed += 1;
        t.credited += d.amount ?? 0;
      }
      if (c.entity === 'reversal' && d.reversalRef?.startsWith(prefix) === true) {
        const t = till(d.reversalRef);
        t.committed += 1;
        t.reversed += d.amount ?? 0;
      }
    }
  }
  return out;
}

describe('Haide day end on the real network: JSON Lines upload, reconciliation equal to Mall B’s count and to verify=ledger', () => {
  let a: RealApp;
  let key: string;
  let peerB: LedgerPort;
  const s = uniqueId('dayend').slice(-14);
  const org = `DE-${s}`;
  const programId = `de-${s}`;
  const merchantId = `de-shop-${s}`;
  const tills = [`T1-${s}`, `T2-${s}`];
  const card = `DC-${s}`;
  let pos: { appId: string; secret: string };

  const signedQuery = (data: Record<string, string>): URLSearchParams => {
    const timestamp = String(Date.now());
    const nonce = randomBytes(8).toString('hex');
    const sign = haideSign(Buffer.from(pos.secret), pos.appId, timestamp, nonce, { ...data, orgCode: org });
    return new URLSearchParams({ appId: pos.appId, timestamp, nonce, orgCode: org, sign, ...data });
  };
  const upload = async (text: string): Promise<{ status: number; message: string; statuses: string[] }> => {
    const qs = signedQuery({ sha256: createHash('sha256').update(text).digest('hex') });
    const res = await fetch(`${a.base}/haide/v1/sales/batch?${qs.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: text,
    });
    const body = (await res.json()) as { message: string; data: { receipts: { status: string }[] } };
    return { status: res.status, message: body.message, statuses: body.data.receipts.map((r) => r.status) };
  };
  const reconciliation = async (businessDate: string): Promise<TillDay[]> => {
    const res = await fetch(`${a.base}/haide/v1/reconciliation?${signedQuery({ businessDate }).toString()}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { tills: TillDay[] } }).data.tills;
  };
  const ok = async (method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await call(a.base, key, method, path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
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
    const program = { programId, name: 'Day end', unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0 };
    await committedItem(a.base, key, String((await ok('POST', '/v1/points/programs', program)).trackingId));
    const merchant = { merchantId, name: 'Shop', category: 'retail', programId };
    await committedItem(a.base, key, String((await ok('POST', '/v1/points/merchants', merchant)).trackingId));
    for (const posNo of tills)
      await ok('PUT', `/v1/points/tills/${org}/${posNo}`, {
        merchantId,
        tenant: 'Shop',
        programId,
        category: 'retail',
      });
    await ok('PUT', `/v1/points/earn-rules/${programId}`, {
      pointsPerYuan: '1',
      rounding: 'floor',
      categoryMultipliers: {},
      excludedPayCls: ['points', 'coupon'],
    });
    const did = await ok('POST', '/v1/custodial-dids', {});
    await committedItem(a.base, key, String(did.trackingId));
    await ok('POST', '/v1/points/members', { did: did.did, cardNos: [card] });
    const p = await a.app.get(PartnerCredentialsService).create('haide', org, 'e2e');
    pos = { appId: p.appId, secret: p.secret };
  });
  afterAll(async () => {
    peerB.close();
    await a.close();
  });

  it('stores a day’s file, names its bad lines, counts a re-upload as duplicates, and reconciles with Mall B’s peer', async () => {
    const start = await putNote(peerB, uniqueId('day-end-start'), 'start');
    const at = new Date(Date.now() - 60_000);
    const businessDate = haideTime(at).slice(0, 10).replaceAll('.', '-');
    const [t1, t2] = tills as [string, string];
    const receipts = [
      ...Array.from({ length: 6 }, (_, i) =>
        receiptOf({ posNo: t1, flowNo: `S${i}`, fen: 2_000 + i * 150, cardNo: card, at }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        receiptOf({ posNo: t2, flowNo: `S${i}`, fen: 5_000, cardNo: card, score: 7 + i, at }),
      ),
      receiptOf({ posNo: t2, flowNo: 'ANON', fen: 9_900, at }), // no card: accepted, no points, nothing on the ledger
      receiptOf({ posNo: t1, flowNo: 'R0', fen: 1_000, backFlowNo: 'S0', at }), // half of S0 (20.00 → 20 points)
    ];
    const lines = receipts.map((r) => JSON.stringify(r));
    const text = [...lines, '{"posNo":', JSON.stringify(receiptOf({ posNo: `NOPE-${s}`, flowNo: 'X', fen: 100, at }))]
      .join('\n')
      .concat('\n');
    const first = await upload(text);
    expect(first.status).toBe(200);
    expect(first.message).toBe('12 accepted, 0 duplicate, 2 rejected');
    expect(first.statuses.slice(-2)).toEqual(['rejected', 'rejected']);
    const again = await upload(text);
    expect(again.message).toBe('0 accepted, 12 duplicate, 2 rejected');

    const mine = (t: readonly TillDay[]): TillDay[] => t.filter((x) => tills.includes(x.posNo));
    const day = await poll(
      'every receipt of the day committed',
      async () => {
        const t = await reconciliation(businessDate);
        return mine(t).length === 2 && mine(t).every((x) => x.pending === 0 && x.parked === 0) ? t : undefined;
      },
      180_000,
      1000,
    );
    const byTill = new Map(day.map((t) => [t.posNo, t]));
    expect(byTill.get(t1)).toMatchObject({ received: 14, accepted: 7, duplicates: 7, rejected: 0, committed: 7 });
    expect(byTill.get(t2)).toMatchObject({ received: 10, accepted: 5, duplicates: 5, rejected: 0, committed: 4 });
    // The unknown till's line is counted (twice rejected) on the till it names; the line that is not JSON names none.
    expect(byTill.get(`NOPE-${s}`)).toMatchObject({ received: 2, accepted: 0, rejected: 2, committed: 0 });
    expect(day).toHaveLength(3);
    expect(byTill.get(t1)?.pointsCredited).toBe(20 + 21 + 23 + 24 + 26 + 27);
    expect(byTill.get(t1)?.pointsReversed).toBe(10);
    expect(byTill.get(t2)?.pointsCredited).toBe(7 + 8 + 9 + 10);

    const independent = await countThroughPeer(peerB, start.blockNumber, org);
    expect([...independent.keys()].sort()).toEqual([t1, t2].sort());
    for (const posNo of tills) {
      const mine = byTill.get(posNo);
      expect(independent.get(posNo)).toEqual({
        committed: mine?.committed,
        credited: mine?.pointsCredited,
        reversed: mine?.pointsReversed,
      });
    }

    // verify=ledger: the same figures recomputed by Mall A's middleware from its own peer, item by item.
    const res = await fetch(
      `${a.base}/haide/v1/reconciliation?${signedQuery({ businessDate, verify: 'ledger' }).toString()}`,
    );
    expect(res.status).toBe(200);
    const verified = (await res.json()) as {
      message: string;
      data: { verify: string; mismatches: unknown[]; tills: (TillDay & { ledger: Record<string, number> })[] };
    };
    expect(verified.data.verify).toBe('ledger');
    expect(verified.data.mismatches).toEqual([]);
    expect(verified.message).toBe('equal to the ledger');
    for (const t of verified.data.tills.filter((x) => tills.includes(x.posNo) || x.posNo === `NOPE-${s}`)) {
      const cache = byTill.get(t.posNo);
      expect(t.ledger).toEqual({
        committed: cache?.committed,
        pointsCredited: cache?.pointsCredited,
        pointsReversed: cache?.pointsReversed,
        redemptionsCommitted: 0,
        pointsRedeemed: 0,
      });
    }
  });
});
