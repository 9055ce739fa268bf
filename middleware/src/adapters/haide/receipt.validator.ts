import { CODE, CODE_RULE } from '../../points/dto/registry.dto';
import { YUAN_RULE, yuanToFen } from '../../points/money';
import type { EReceipt } from '../../devices/e-receipt';
import { parseShanghaiTime } from '../../points/shanghai-time';

export const RECEIPTS_PER_REQUEST_MAX = 1000;
const LINES_MAX = 500;

export interface HaidePayment {
  readonly payCls: string;
  readonly totalFen: number;
}

/** A receipt after validation: amounts in fen, times as instants; `raw` is what was received (hashed). */
export interface HaideReceipt {
  readonly posNo: string;
  readonly flowNo: string;
  readonly ocrTime: Date;
  readonly txType: 'SALE' | 'RETURN';
  readonly backFlowNo?: string;
  readonly realAmtFen: number;
  readonly score?: number;
  readonly cardNo?: string;
  readonly payments: readonly HaidePayment[];
  /** The paperless printer's signature over this receipt, when it printed one. */
  readonly eReceipt?: EReceipt;
  readonly raw: Record<string, unknown>;
}

const RECEIPT_FIELDS = new Set([
  'posNo',
  'flowNo',
  'ocrTime',
  'txType',
  'backFlowNo',
  'backTime',
  'realAmt',
  'qty',
  'score',
  'cardNo',
  'memo',
  'products',
  'payments',
  'eReceipt',
]);
const PRODUCT_FIELDS = new Set(['line', 'product', 'productName', 'qty', 'price', 'total', 'discount', 'score']);
const PAYMENT_FIELDS = new Set(['line', 'payment', 'payCls', 'total', 'charge', 'discharge', 'cardNo', 'bankCode']);
const E_RECEIPT_FIELDS = new Set(['deviceDid', 'seq', 'digest', 'signature']);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Check = (v: unknown) => string | undefined;

const str =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length >= 1 && v.length <= max
      ? undefined
      : `must be a string of 1 to ${max} characters`;
const code: Check = (v) => (typeof v === 'string' && CODE.test(v) ? undefined : CODE_RULE);
const yuan: Check = (v) => (yuanToFen(v) === undefined ? YUAN_RULE : undefined);
const time: Check = (v) =>
  parseShanghaiTime(v) === undefined ? 'must be an existing time yyyy.MM.dd HH:mm:ss (Asia/Shanghai)' : undefined;
const num: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e9 ? undefined : 'must be a number ≥ 0';
const int: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1e9 ? undefined : 'must be an integer 0..1e9';
const txType: Check = (v) => (v === 'SALE' || v === 'RETURN' ? undefined : 'must be SALE or RETURN');
const pattern =
  (re: RegExp, rule: string): Check =>
  (v) =>
    typeof v === 'string' && re.test(v) ? undefined : rule;
const deviceDid = pattern(/^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,180}$/, 'must be a device DID (did:mallchain:…)');
const sha256B64u = pattern(/^[A-Za-z0-9_-]{43}$/, 'must be base64url SHA-256 (43 characters)');
const signatureB64u = pattern(/^[A-Za-z0-9_-]{16,200}$/, 'must be a base64url signature');
const deviceSeq: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 2 ** 48 ? undefined : 'must be an integer 1..2^48';

/** Field checks of an object: required and optional fields, unknown fields named. */
function checkObject(
  v: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  required: Readonly<Record<string, Check>>,
  optional: Readonly<Record<string, Check>>,
  prefix: string,
  out: string[],
): void {
  for (const k of Object.keys(v)) if (!allowed.has(k)) out.push(`${prefix}${k}: property ${k} should not exist`);
  for (const [k, check] of Object.entries(required)) {
    const p = v[k] === undefined ? 'is required' : check(v[k]);
    if (p !== undefined) out.push(`${prefix}${k} ${p}`);
  }
  for (const [k, check] of Object.entries(optional)) {
    const p = v[k] === undefined ? undefined : check(v[k]);
    if (p !== undefined) out.push(`${prefix}${k} ${p}`);
  }
}

function checkLines(
  v: unknown,
  name: string,
  each: (line: Record<string, unknown>, prefix: string, out: string[]) => void,
  prefix: string,
  out: string[],
): void {
  if (!Array.isArray(v)) {
    out.push(`${prefix}${name} must be an array`);
    return;
  }
  if (v.length > LINES_MAX) out.push(`${prefix}${name} must contain no more than ${LINES_MAX} elements`);
  v.slice(0, LINES_MAX).forEach((line: unknown, i) => {
    if (isRecord(line)) each(line, `${prefix}${name}.${i}.`, out);
    else out.push(`${prefix}${name}.${i} must be an object`);
  });
}

const product = (l: Record<string, unknown>, prefix: string, out: string[]): void => {
  checkObject(
    l,
    PRODUCT_FIELDS,
    { line: int, product: str(64), qty: num, price: yuan, total: yuan },
    { productName: str(200), discount: yuan, score: int },
    prefix,
    out,
  );
};
const payment = (l: Record<string, unknown>, prefix: string, out: string[]): void => {
  checkObject(
    l,
    PAYMENT_FIELDS,
    { line: int, payment: str(64), payCls: str(40), total: yuan },
    { charge: yuan, discharge: yuan, cardNo: str(64), bankCode: str(64) },
    prefix,
    out,
  );
};

function returnProblems(r: Record<string, unknown>, prefix: string, out: string[]): void {
  const isReturn = r.txType === 'RETURN';
  for (const k of ['backFlowNo', 'backTime']) {
    if (isReturn && r[k] === undefined) out.push(`${prefix}${k} is required for a RETURN`);
    if (!isReturn && r[k] !== undefined) out.push(`${prefix}${k} is only for a RETURN`);
  }
  // A return naming itself would wait for a sale that can never arrive (its key is taken by the return).
  if (isReturn && r.backFlowNo !== undefined && r.backFlowNo === r.flowNo)
    out.push(`${prefix}backFlowNo must name the sale, not the return's own flowNo`);
}

function eReceiptProblems(v: unknown, prefix: string, out: string[]): void {
  if (v === undefined) return;
  if (!isRecord(v)) {
    out.push(`${prefix}eReceipt must be an object`);
    return;
  }
  checkObject(
    v,
    E_RECEIPT_FIELDS,
    { deviceDid, seq: deviceSeq, digest: sha256B64u, signature: signatureB64u },
    {},
    `${prefix}eReceipt.`,
    out,
  );
}

/** Every problem of one receipt, each naming its field (`products.2.total must be …`). */
export function receiptProblems(r: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  checkObject(
    r,
    RECEIPT_FIELDS,
    { posNo: code, flowNo: code, ocrTime: time, realAmt: yuan, qty: num },
    { txType, backFlowNo: code, backTime: time, score: int, cardNo: code, memo: str(500) },
    prefix,
    out,
  );
  returnProblems(r, prefix, out);
  checkLines(r.products ?? [], 'products', product, prefix, out);
  checkLines(r.payments ?? [], 'payments', payment, prefix, out);
  eReceiptProblems(r.eReceipt, prefix, out);
  return out;
}

/** A receipt {@link receiptProblems} found nothing wrong with. */
export function toReceipt(r: Record<string, unknown>): HaideReceipt {
  const payments = (r.payments ?? []) as Record<string, unknown>[];
  return {
    posNo: r.posNo as string,
    flowNo: r.flowNo as string,
    ocrTime: parseShanghaiTime(r.ocrTime) as Date,
    txType: r.txType === 'RETURN' ? 'RETURN' : 'SALE',
    backFlowNo: r.backFlowNo as string | undefined,
    realAmtFen: yuanToFen(r.realAmt) as number,
    score: r.score as number | undefined,
    cardNo: r.cardNo as string | undefined,
    payments: payments.map((p) => ({ payCls: p.payCls as string, totalFen: yuanToFen(p.total) as number })),
    ...(r.eReceipt === undefined ? {} : { eReceipt: r.eReceipt as EReceipt }),
    raw: r,
  };
}

/** `data` of `/haide/v1/sales`: one receipt, or `{ receipts: [...] }` with 1 to 1,000. */
export function receiptsOf(data: unknown): { batch: boolean; items: unknown[] } | string {
  if (!isRecord(data)) return 'data must be a receipt or { receipts: [...] }';
  if (!('receipts' in data)) return { batch: false, items: [data] };
  const keys = Object.keys(data).filter((k) => k !== 'receipts');
  if (keys.length > 0) return `data.${keys[0] ?? ''}: property should not exist next to receipts`;
  const list = data.receipts;
  if (!Array.isArray(list) || list.length < 1) return 'data.receipts must be a non-empty array';
  if (list.length > RECEIPTS_PER_REQUEST_MAX)
    return `data.receipts must contain no more than ${RECEIPTS_PER_REQUEST_MAX} receipts`;
  return { batch: true, items: list };
}
