import { createHash, randomBytes } from 'node:crypto';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

type App = TestApp['app'];
type Reply = ReturnType<App['inject']>;

export interface Partner {
  appId: string;
  secret: string;
  orgCode: string;
}

/** One receipt's answer in a Haide sales response. */
export interface Result {
  posNo: string;
  flowNo: string;
  status: string;
  trackingId: string | null;
  points: number;
  message: string;
}

/** Haide's answer envelope around every response. */
export interface Answer<T = unknown> {
  success: boolean;
  statusCode: string;
  message: string;
  data: T;
}

/** A batch push as the tests read it: the HTTP status and each receipt's answer, in request order. */
export interface BatchAnswer {
  status: number;
  receipts: Result[];
}

/** A receipt's stored row: its points and whether it waits parked for its sale. */
export interface ReceiptRow {
  flow_no: string;
  points: number;
  parked: boolean;
}

export interface HaideHarness {
  readonly t: TestApp;
  readonly partner: Partner;
  readonly writer: string;
  /** The settings the app was started with (secrets included): a second instance on the same database uses them. */
  readonly env: Readonly<Record<string, string>>;
  envelope(data: unknown, over?: Partial<Record<string, unknown>>, who?: Partner): Record<string, unknown>;
  post(path: string, body: unknown): Reply;
  /** A signed GET of `/haide/v1/<path>`: the query is signed with orgCode; `over` replaces fields after signing. */
  get(path: string, query: Record<string, string>, over?: Record<string, string>): Reply;
  /** A day-end JSON Lines upload; `signed` is the text whose digest is signed (the body itself unless a test swaps it). */
  upload(text: string, over?: Record<string, string>, signed?: string): Reply;
  /** `{ receipts }` pushed to `/haide/v1/sales` of `app` (this harness's app unless another instance is named). */
  push(receipts: unknown[], app?: App): Promise<BatchAnswer>;
  /** The stored rows of till P001's receipts among `flowNos`, by flowNo. */
  rows(flowNos: unknown[]): Promise<ReceiptRow[]>;
  count(table: string): Promise<number>;
}

/** The envelope a Haide POS sends: `data` signed by `who` (HMAC over appId, timestamp, nonce and JCS of data). */
export function signEnvelope(
  who: Partner,
  data: unknown,
  over: Partial<Record<string, unknown>> = {},
): Record<string, unknown> {
  const timestamp = (over.timestamp as number | undefined) ?? Date.now();
  const nonce = (over.nonce as string | undefined) ?? randomBytes(8).toString('hex');
  const sign = haideSign(Buffer.from(who.secret), who.appId, String(timestamp), nonce, data);
  return { appId: who.appId, timestamp, nonce, orgCode: who.orgCode, sign, data, ...over };
}

/** The query string of a signed Haide GET or upload: `signed` and orgCode signed, `over` applied after signing. */
export function signedQuery(who: Partner, signed: Record<string, string>, over: Record<string, string> = {}): string {
  const timestamp = String(Date.now());
  const nonce = randomBytes(8).toString('hex');
  const { appId, secret, orgCode } = who;
  const sign = haideSign(Buffer.from(secret), appId, timestamp, nonce, { ...signed, orgCode });
  return new URLSearchParams({ appId, timestamp, nonce, orgCode, sign, ...signed, ...over }).toString();
}

export const MEMBER_DID = 'did:mallchain:member1';

/** The app with a Haide partner of MALL-A, till P001 (food, program mallA-points), an earn rule and a member. */
export async function startHaide(ledger = new FakeLedger()): Promise<HaideHarness> {
  const env = {
    PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
    MEMBER_DATA_KEY: randomBytes(32).toString('base64'),
    WORKERS_ENABLED: 'false',
  };
  const t = await startTestApp(env, ledger);
  const keys = await t.key(['keys:admin']);
  const writer = await t.key(['points:write', 'points:read']);
  const inject = (method: 'POST' | 'PUT', url: string, key: string, payload: object): Reply =>
    t.app.inject({ method, url, headers: { 'x-api-key': key }, payload });
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
    env,
    envelope: (data, over = {}, who = partner) => signEnvelope(who, data, over),
    post: (path, body) => t.app.inject({ method: 'POST', url: `/haide/v1/${path}`, payload: body as object }),
    get: (path, query, over = {}) =>
      t.app.inject({ method: 'GET', url: `/haide/v1/${path}?${signedQuery(partner, query, over)}` }),
    upload: (text, over = {}, signed = text) => {
      const sha256 = createHash('sha256').update(signed).digest('hex');
      return t.app.inject({
        method: 'POST',
        url: `/haide/v1/sales/batch?${signedQuery(partner, { sha256 }, over)}`,
        headers: { 'content-type': 'application/x-ndjson' },
        payload: text,
      });
    },
    push: async (receipts, app = t.app) => {
      const res = await app.inject({
        method: 'POST',
        url: '/haide/v1/sales',
        payload: signEnvelope(partner, { receipts }),
      });
      return { status: res.statusCode, receipts: res.json<{ data: { receipts: Result[] } }>().data.receipts };
    },
    rows: (flowNos) =>
      t.db.query<ReceiptRow[]>(
        `SELECT flow_no, points, parked_since IS NOT NULL AS parked FROM haide_receipts
         WHERE org_code = 'MALL-A' AND pos_no = 'P001' AND flow_no = ANY($1::text[]) ORDER BY flow_no`,
        [flowNos],
      ),
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

/** The payment part of a receipt paid `yuan` by WeChat (all of it earns). */
export function wechat(yuan: string): Record<string, unknown> {
  return { realAmt: yuan, payments: [{ line: 1, payment: 'WX', payCls: 'wechat', total: yuan }] };
}

/** A return of `yuan` of sale `s` (no payments of its own); `over` changes any field. */
export function returnOf(
  s: Record<string, unknown>,
  yuan: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return sale({ txType: 'RETURN', backFlowNo: s.flowNo, backTime: s.ocrTime, realAmt: yuan, payments: [], ...over });
}
