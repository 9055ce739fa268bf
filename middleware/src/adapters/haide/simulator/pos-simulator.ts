import { randomBytes } from 'node:crypto';
import { fenToYuan } from '../../../points/money';
import { haideSign } from '../haide-envelope';

/** Who the simulated POS is: the credentials the partner API issued, and the middleware it talks to. */
export interface PosIdentity {
  readonly url: string;
  readonly appId: string;
  readonly secret: string;
  readonly orgCode: string;
}

export interface ReceiptPlan {
  readonly posNo: string;
  readonly flowNo: string;
  readonly fen: number;
  readonly cardNo?: string;
  readonly score?: number;
  /** A return of `backFlowNo` (same till). */
  readonly backFlowNo?: string;
  readonly at?: Date;
}

/** `yyyy.MM.dd HH:mm:ss` in Asia/Shanghai (UTC+8). */
export function haideTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10).replaceAll('-', '.')} ${local.slice(11, 19)}`;
}

/** A Haide receipt as a till sends it: one product line, paid in one payment. */
export function receiptOf(p: ReceiptPlan): Record<string, unknown> {
  const amount = fenToYuan(p.fen);
  const time = haideTime(p.at ?? new Date());
  return {
    posNo: p.posNo,
    flowNo: p.flowNo,
    ocrTime: time,
    txType: p.backFlowNo === undefined ? 'SALE' : 'RETURN',
    ...(p.backFlowNo === undefined ? {} : { backFlowNo: p.backFlowNo, backTime: time }),
    realAmt: amount,
    qty: 1,
    ...(p.cardNo === undefined ? {} : { cardNo: p.cardNo }),
    ...(p.score === undefined ? {} : { score: p.score }),
    products: [{ line: 1, product: 'SIM-1', productName: 'simulated', qty: 1, price: amount, total: amount }],
    payments: [{ line: 1, payment: 'WX', payCls: 'wechat', total: amount }],
  };
}

/** The signed envelope of `data` (DOMAIN.md): fresh nonce, current timestamp. */
export function envelope(id: PosIdentity, data: unknown, now = Date.now()): Record<string, unknown> {
  const timestamp = String(now);
  const nonce = randomBytes(12).toString('base64url');
  const sign = haideSign(Buffer.from(id.secret, 'utf8'), id.appId, timestamp, nonce, data);
  return { appId: id.appId, timestamp: now, nonce, orgCode: id.orgCode, sign, data };
}

export interface PushAnswer {
  readonly status: number;
  readonly body: { success: boolean; statusCode: string; message: string; data: unknown };
}

/** Signs and POSTs one receipt or `{ receipts }` to `/haide/v1/sales`. */
export async function pushSales(id: PosIdentity, data: unknown): Promise<PushAnswer> {
  const res = await fetch(new URL('/haide/v1/sales', id.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope(id, data)),
  });
  return { status: res.status, body: (await res.json()) as PushAnswer['body'] };
}
