/** The built CLI as a member runs it (`npm run build` first): a keystore file, a DID, a consent, refusals. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCompactConsent } from '@mallchain/wire';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'wallet-cli-'));
const file = join(dir, 'me.json');
const env = { ...process.env, MALLCHAIN_WALLET_PASSPHRASE: 'a long passphrase' };
const run = (args: string[], e: NodeJS.ProcessEnv = env): string =>
  execFileSync(process.execPath, [CLI, ...args, '--wallet', file], { env: e, encoding: 'utf8' });

describe('wallet CLI', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  });

  it('creates a wallet and a DID, and signs a redeem consent shown as text and QR code', () => {
    expect(run(['init'])).toContain('new empty wallet');
    const create = JSON.parse(run(['did', 'create', '--alg', 'EdDSA'])) as { document: { id: string } };
    const did = create.document.id;
    expect(readFileSync(file, 'utf8')).not.toContain(did);
    const out = run([
      'consent',
      'redeem',
      '--did',
      did,
      '--merchant',
      'm1',
      '--program',
      'p1',
      '--amount',
      '25',
      '--qr',
    ]);
    const lines = out.trim().split('\n');
    const compact = lines[lines.length - 1]!;
    expect(lines.length).toBeGreaterThan(20);
    const decoded = decodeCompactConsent(compact);
    expect(typeof decoded !== 'string' && decoded.payload).toMatchObject({ amount: 25, member: did, merchant: 'm1' });
  });

  it('refuses a wrong passphrase, a missing one, a bad amount and an unknown command', () => {
    const fail = (args: string[], e: NodeJS.ProcessEnv): { code: number | null; err: string } => {
      const r = spawnSync(process.execPath, [CLI, ...args, '--wallet', file], { env: e, encoding: 'utf8' });
      return { code: r.status, err: r.stderr };
    };
    const wrong = fail(['did', 'list'], { ...env, MALLCHAIN_WALLET_PASSPHRASE: 'another passphrase' });
    expect([wrong.code, wrong.err]).toEqual([1, expect.stringContaining('wrong passphrase')]);
    expect(fail(['did', 'list'], { ...env, MALLCHAIN_WALLET_PASSPHRASE: '' }).err).toContain(
      'MALLCHAIN_WALLET_PASSPHRASE',
    );
    const did = (JSON.parse(run(['did', 'list'])) as { did: string }[])[0]!.did;
    const bad = fail(['consent', 'redeem', '--did', did, '--merchant', 'm', '--program', 'p', '--amount', '0'], env);
    expect(bad.err).toContain('--amount must be a positive integer');
    expect(fail(['nonsense'], env).code).toBe(2);
  });
});
