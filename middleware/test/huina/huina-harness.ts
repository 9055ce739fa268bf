import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/common/secret-box';
import { caSignature } from '../../src/huina/huina-signature';
import type { PartnerCredential } from '../../src/huina/partner-credentials.port';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

export interface HuinaApp extends TestApp {
  readonly devices: FakeDevices;
  readonly base: string;
  /** The Huina credential issued through `POST /v1/admin/partners` (kind huina, orgCode MALLA). */
  readonly cred: PartnerCredential;
  /** Plants another credential row, sealed as the service seals it (another mall's, another adapter's). */
  addCredential(c: PartnerCredential): Promise<void>;
  /** A `keys:admin` API key, to issue, rotate and revoke partner credentials. */
  readonly keysAdmin: string;
  /** A signed request over real HTTP; `tamper` changes what is sent after signing. */
  call(method: 'GET' | 'POST', url: string, body?: unknown, opts?: CallOptions): Promise<HuinaAnswer>;
}

export interface CallOptions {
  readonly cred?: PartnerCredential;
  readonly nonce?: string;
  readonly timestamp?: number;
  /** Headers to send instead of the signed ones (missing or malformed headers). */
  readonly headers?: (signed: Record<string, string>) => Record<string, string>;
  /** The body text actually sent (signature computed over `body`). */
  readonly sentBody?: string;
  /** The URL actually sent (signature computed over `url`). */
  readonly sentUrl?: string;
}

export interface HuinaAnswer {
  readonly status: number;
  readonly body: { success: boolean; statusCode: string; message: string; data: unknown };
}

export const APP_ID = 'huina-app-a';

export function credential(over: Partial<PartnerCredential> = {}): PartnerCredential {
  return {
    appId: APP_ID,
    kind: 'huina',
    mallMspId: 'MallAMSP',
    orgCode: 'MALLA',
    secret: randomBytes(32),
    ...over,
  };
}

/** Issues a Huina credential of this mall through the admin API (the real, sealed, Postgres-backed one). */
export async function issueHuinaCredential(
  t: TestApp,
  keysAdmin: string,
  orgCode = 'MALLA',
): Promise<PartnerCredential> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/partners',
    headers: { 'x-api-key': keysAdmin },
    payload: { kind: 'huina', customerId: orgCode, name: 'people counters' },
  });
  expect(res.statusCode).toBe(201);
  const issued = res.json<{ appId: string; kind: string; mallMspId: string; orgCode: string; secret: string }>();
  return { ...issued, secret: Buffer.from(issued.secret, 'utf8') };
}

/**
 * The application on a fresh database, listening on 127.0.0.1, with a Huina credential issued through the admin
 * API (real partner credentials and nonce store) and a fake devices contract.
 */
export async function startHuinaApp(extra: Record<string, string> = {}): Promise<HuinaApp> {
  const devices = new FakeDevices();
  const partnerKey = randomBytes(32).toString('base64');
  const t = await startTestApp({ PARTNER_SECRET_KEY: partnerKey, ...extra }, new FakeLedger({ contracts: [devices] }));
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  const keysAdmin = await t.key(['keys:admin']);
  const cred = await issueHuinaCredential(t, keysAdmin);
  const box = new SecretBox(t.config.partnerSecretKey ?? partnerKey);
  const call: HuinaApp['call'] = async (method, url, body, opts = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const c = opts.cred ?? cred;
    const timestamp = String(opts.timestamp ?? Date.now());
    const nonce = opts.nonce ?? randomBytes(12).toString('hex');
    // Signed as the server sees it: path and query as fetch encodes them.
    const path = ((u: URL): string => u.pathname + u.search)(new URL(`${base}${url}`));
    const sig = caSignature(c.secret, { method, path, timestamp, nonce, body: Buffer.from(text) });
    const signed: Record<string, string> = {
      'x-ca-key': c.appId,
      'x-ca-timestamp': timestamp,
      'x-ca-nonce': nonce,
      'x-ca-signature': sig,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const res = await fetch(`${base}${opts.sentUrl ?? url}`, {
      method,
      headers: opts.headers ? opts.headers(signed) : signed,
      ...(body === undefined ? {} : { body: opts.sentBody ?? text }),
    });
    return { status: res.status, body: (await res.json()) as HuinaAnswer['body'] };
  };
  return {
    ...t,
    devices,
    base,
    cred,
    keysAdmin,
    addCredential: async (c) => {
      await t.db.query(
        `INSERT INTO partners (app_id, kind, mall_msp_id, org_code, name, secret_sealed) VALUES ($1, $2, $3, $4, 'planted', $5)`,
        [c.appId, c.kind, c.mallMspId, c.orgCode, box.seal(c.secret, `partner-secret:${c.appId}`)],
      );
    },
    call,
  };
}
