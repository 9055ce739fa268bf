#!/usr/bin/env node
/**
 * `npm run wallet -- <group> <command> [--options]`. The keystore is `--wallet` (or MALLCHAIN_WALLET, default
 * ./mallchain-wallet.json); the passphrase only ever comes from MALLCHAIN_WALLET_PASSPHRASE, never a flag (flags
 * end up in shell histories and process lists). Signed DID requests are printed as JSON, to be submitted through
 * a mall (docs/did-method.md); consents as the compact string and, with --qr, a terminal QR code.
 * With --mall URL (or MALLCHAIN_MALL_URL) the DID operations are submitted to that mall's `/v1/dids` and followed
 * to the ledger; the API key only comes from MALLCHAIN_MALL_API_KEY, for the same reason as the passphrase.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compactConsent, consentQr } from './consent';
import type { KeyAlg } from './keys';
import { MallClient, MallError } from './mall-client';
import { emptyWallet, openKeystore, writeKeystore } from './keystore';
import { Wallet } from './wallet';

type Opts = Record<string, string | boolean | undefined>;
type Command = (w: Wallet, o: Opts) => unknown;

const OPTIONS = {
  wallet: { type: 'string' },
  channel: { type: 'string' },
  alg: { type: 'string' },
  did: { type: 'string' },
  version: { type: 'string' },
  merchant: { type: 'string' },
  program: { type: 'string' },
  'from-program': { type: 'string' },
  'to-program': { type: 'string' },
  to: { type: 'string' },
  amount: { type: 'string' },
  receive: { type: 'string' },
  minutes: { type: 'string' },
  audience: { type: 'string' },
  nonce: { type: 'string' },
  jwt: { type: 'string' },
  qr: { type: 'boolean' },
  mall: { type: 'string' },
  'no-wait': { type: 'boolean' },
  'version-id': { type: 'string' },
  'version-time': { type: 'string' },
} as const;

function need(o: Opts, name: string): string {
  const v = o[name];
  if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
  return v;
}

function alg(o: Opts): KeyAlg {
  const a = o.alg ?? 'ES256';
  if (a !== 'ES256' && a !== 'EdDSA') throw new Error('--alg must be ES256 (P-256) or EdDSA (Ed25519)');
  return a;
}

function positive(o: Opts, name: string): number {
  const n = Number(need(o, name));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function deadline(o: Opts): string {
  const minutes = o.minutes === undefined ? 10 : Number(o.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 60) throw new Error('--minutes must be in (0, 60]');
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

const channel = (o: Opts): string => (typeof o.channel === 'string' ? o.channel : 'mallchannel');
const version = (o: Opts): string | undefined => (typeof o.version === 'string' ? o.version : undefined);

async function showConsent(c: Parameters<typeof compactConsent>[0], o: Opts): Promise<string> {
  const compact = compactConsent(c);
  return o.qr === true ? `${await consentQr(c)}\n${compact}` : compact;
}

function mall(o: Opts, forWrites: boolean): MallClient | undefined {
  const url = typeof o.mall === 'string' ? o.mall : process.env.MALLCHAIN_MALL_URL;
  if (url === undefined || url === '') return undefined;
  const apiKey = process.env.MALLCHAIN_MALL_API_KEY;
  if (forWrites && (apiKey === undefined || apiKey === ''))
    throw new Error('set MALLCHAIN_MALL_API_KEY (a key of that mall with dids:write and intake:read) to submit');
  return new MallClient({ url, ...(apiKey ? { apiKey } : {}) });
}

/**
 * Without a mall, the signed request is printed. With one, it is submitted and (unless --no-wait) followed until
 * the ledger committed it: `{ request, ack, committed }`.
 */
async function submit<R>(
  o: Opts,
  request: R,
  send: (m: MallClient, r: R) => Promise<{ trackingId: string }>,
): Promise<unknown> {
  const m = mall(o, true);
  if (m === undefined) return request;
  const ack = await send(m, request);
  if (o['no-wait'] === true) return { request, ack };
  const committed = await m.waitCommitted(ack.trackingId);
  return { request, ack, committed: { txId: committed.txId, status: committed.status } };
}

const COMMANDS: Record<string, Command> = {
  'key add': (w, o) => {
    const k = w.addKey(alg(o));
    return { id: k.id, alg: k.alg, publicJwk: k.publicJwk };
  },
  'key list': (w) => w.contents.keys.map((k) => ({ id: k.id, alg: k.alg, publicJwk: k.publicJwk })),
  'did create': (w, o) => submit(o, w.createDid(channel(o), alg(o)), (m, r) => m.createDid(r)),
  'did list': (w) => w.contents.dids,
  'did rotate': (w, o) => submit(o, w.rotate(channel(o), need(o, 'did'), alg(o), version(o)), (m, r) => m.updateDid(r)),
  'did deactivate': (w, o) =>
    submit(o, w.deactivate(channel(o), need(o, 'did'), version(o)), (m, r) => m.deactivateDid(r)),
  'did resolve': (_w, o) => {
    const m = mall(o, false);
    if (m === undefined) throw new Error('--mall (or MALLCHAIN_MALL_URL) is required to resolve');
    const versionId = typeof o['version-id'] === 'string' ? o['version-id'] : undefined;
    const versionTime = typeof o['version-time'] === 'string' ? o['version-time'] : undefined;
    return m.resolve(need(o, 'did'), { ...(versionId ? { versionId } : {}), ...(versionTime ? { versionTime } : {}) });
  },
  'did claim': (w, o) =>
    submit(o, w.claim(channel(o), need(o, 'did'), need(o, 'version'), alg(o)), (m, r) => m.claimCustodialDid(r)),
  'consent redeem': (w, o) =>
    showConsent(
      w.consentRedeem(channel(o), need(o, 'did'), {
        merchant: need(o, 'merchant'),
        programId: need(o, 'program'),
        amount: positive(o, 'amount'),
        deadline: deadline(o),
      }),
      o,
    ),
  'consent transfer': (w, o) =>
    showConsent(
      w.consentTransfer(channel(o), need(o, 'did'), {
        to: need(o, 'to'),
        programId: need(o, 'program'),
        amount: positive(o, 'amount'),
        deadline: deadline(o),
      }),
      o,
    ),
  'consent exchange': (w, o) =>
    showConsent(
      w.consentExchange(channel(o), need(o, 'did'), {
        fromProgram: need(o, 'from-program'),
        toProgram: need(o, 'to-program'),
        amount: positive(o, 'amount'),
        receive: positive(o, 'receive'),
        deadline: deadline(o),
      }),
      o,
    ),
  'credential add': (w, o) => w.addCredential(need(o, 'jwt')),
  'credential list': (w) => w.credentials().map(({ jwt: _jwt, ...rest }) => rest),
  'credential present': (w, o) => w.present(need(o, 'did'), need(o, 'audience'), need(o, 'nonce')),
};

const USAGE = `usage: npm run wallet -- <command> [--wallet FILE] [--channel mallchannel] [--mall URL] ...
  init
  ${Object.keys(COMMANDS).join('\n  ')}
passphrase: MALLCHAIN_WALLET_PASSPHRASE; mall: --mall or MALLCHAIN_MALL_URL, MALLCHAIN_MALL_API_KEY`;

/**
 * Whether the keystore must be kept after a failed submission: the mall refused (4xx, or the ledger refused the
 * item) — nothing was written and the signed state is dropped; no answer or a 5xx — the operation may still land,
 * so the new keys are kept (dropping them could lose the DID; keys are never deleted, so re-signing stays possible).
 */
const keepAfter = (e: unknown): boolean => e instanceof MallError && (e.status === 0 || e.status >= 500);

/** Runs `command` and saves the wallet after it, or after a failure whose outcome is unknown ({@link keepAfter}). */
async function run(command: Command, wallet: Wallet, o: Opts, save: () => void): Promise<unknown> {
  try {
    const out = await command(wallet, o);
    save();
    return out;
  } catch (e) {
    if (keepAfter(e)) {
      save();
      process.stderr.write('wallet: the outcome is unknown; the wallet keeps the new state (see `did list`)\n');
    }
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const o = values as Opts;
  const path = typeof o.wallet === 'string' ? o.wallet : (process.env.MALLCHAIN_WALLET ?? 'mallchain-wallet.json');
  const passphrase = process.env.MALLCHAIN_WALLET_PASSPHRASE;
  const name = positionals.join(' ');
  if (!passphrase || passphrase.length < 8) throw new Error('set MALLCHAIN_WALLET_PASSPHRASE (at least 8 characters)');
  if (name === 'init') {
    if (existsSync(path)) throw new Error(`${path} exists already`);
    writeKeystore(path, emptyWallet(), passphrase);
    process.stdout.write(`${path}: new empty wallet\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const store = openKeystore(path, passphrase);
  const wallet = new Wallet(store.contents);
  const out = await run(command, wallet, o, () => {
    store.save(wallet.contents);
  });
  process.stdout.write(typeof out === 'string' ? `${out}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`wallet: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
