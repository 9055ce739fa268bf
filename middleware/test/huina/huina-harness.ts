import { randomBytes } from 'node:crypto';
import { caSignature } from '../../src/huina/huina-signature';
import type { MemoryPartnerCredentials } from '../../src/huina/memory-partners';
import { PARTNER_CREDENTIALS, type PartnerCredential } from '../../src/huina/partner-credentials.port';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

export interface HuinaApp extends TestApp {
  readonly devices: FakeDevices;
  readonly base: string;
  readonly cred: PartnerCredential;
  /** Adds another credential (another mall, another adapter). */
  addCredential(c: PartnerCredential): void;
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

/** The application on a fresh database, listening on 127.0.0.1, with a Huina credential and a fake devices contract. */
export async function startHuinaApp(extra: Record<string, string> = {}): Promise<HuinaApp> {
  const devices = new FakeDevices();
  const t = await startTestApp(extra, new FakeLedger({ contracts: [devices] }));
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  const creds = t.app.get<MemoryPartnerCredentials>(PARTNER_CREDENTIALS);
  const cred = credential();
  creds.add(cred);
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
    addCredential: (c) => {
      creds.add(c);
    },
    call,
  };
}
