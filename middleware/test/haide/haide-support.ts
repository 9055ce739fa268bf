import { randomBytes } from 'node:crypto';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
import type { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

export interface Partner {
  appId: string;
  secret: string;
  orgCode: string;
}

export interface HaideHarness {
  readonly t: TestApp;
  readonly partner: Partner;
  readonly writer: string;
  envelope(data: unknown, over?: Partial<Record<string, unknown>>, who?: Partner): Record<string, unknown>;
  post(path: string, body: unknown): ReturnType<TestApp['app']['inject']>;
  count(table: string): Promise<number>;
}

export const MEMBER_DID = 'did:mallchain:member1';

/** The app with a Haide partner of MALL-A, till P001 (food, program mallA-points), an earn rule and a member. */
export async function startHaide(ledger?: FakeLedger): Promise<HaideHarness> {
  const t = await startTestApp(
    {
      PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
      MEMBER_DATA_KEY: randomBytes(32).toString('base64'),
      WORKERS_ENABLED: 'false',
    },
    ledger,
  );
  const keys = await t.key(['keys:admin']);
  const writer = await t.key(['points:write', 'points:read']);
  const inject = (
    method: 'POST' | 'PUT',
    url: string,
    key: string,
    payload: object,
  ): ReturnType<TestApp['app']['inject']> => t.app.inject({ method, url, headers: { 'x-api-key': key }, payload });
  const partner = (
    await inject('POST', '/v1/admin/partners', keys, { kind: 'haide', orgCode: 'MALL-A', name: 'pos' })
  ).json<Partner>();
  const till = { merchantId: 'store-0101', tenant: 'Tea House', programId: 'mallA-points', category: 'food' };
  expect((await inject('PUT', '/v1/points/tills/MALL-A/P001', writer, till)).statusCode).toBe(200);
  const rule = {
    pointsPerYuan: '1',
    rounding: 'floor',
    categoryMultipliers: { food: '2' },
    excludedPayCls: ['points', 'coupon'],
  };
  expect((await inject('PUT', '/v1/points/earn-rules/mallA-points', writer, rule)).statusCode).toBe(200);
  const member = { did: MEMBER_DID, name: '张三', mobile: '13800138000', cardNos: ['C0001'] };
  expect((await inject('POST', '/v1/points/members', writer, member)).statusCode).toBe(201);
  return {
    t,
    partner,
    writer,
    envelope: (data, over = {}, who = partner) => {
      const timestamp = (over.timestamp as number | undefined) ?? Date.now();
      const nonce = (over.nonce as string | undefined) ?? randomBytes(8).toString('hex');
      const sign = haideSign(Buffer.from(who.secret), who.appId, String(timestamp), nonce, data);
      return { appId: who.appId, timestamp, nonce, orgCode: who.orgCode, sign, data, ...over };
    },
    post: (path, body) => t.app.inject({ method: 'POST', url: `/haide/v1/${path}`, payload: body as object }),
    count: async (table) => (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1,
  };
}

let flow = 0;
/** A sale on till P001 with card C0001: 128.50 paid, 28.50 of it by coupon (100.00 earns, food ×2 = 200). */
export function sale(over: Record<string, unknown> = {}): Record<string, unknown> {
  flow += 1;
  return {
    posNo: 'P001',
    flowNo: `F${String(flow).padStart(6, '0')}`,
    ocrTime: '2026.03.01 14:05:09',
    txType: 'SALE',
    realAmt: '128.50',
    qty: 2,
    cardNo: 'C0001',
    products: [{ line: 1, product: 'SKU-1', productName: 'Tea', qty: 2, price: '64.25', total: '128.50' }],
    payments: [
      { line: 1, payment: 'WX', payCls: 'wechat', total: '100.00' },
      { line: 2, payment: 'CP', payCls: 'coupon', total: '28.50' },
    ],
    ...over,
  };
}
