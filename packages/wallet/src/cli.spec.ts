/** The built CLI as a member runs it (`npm run build` first): a keystore file, a DID, a consent, refusals. */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it("submits did create to --mall's /v1/dids and follows it; a refusal leaves the keystore as it was", async () => {
    const bodies: unknown[] = [];
    let refuse = false;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        chunks.push(c);
      });
      req.on('end', () => {
        if (req.method === 'POST')
          bodies.push([req.url, req.headers['x-api-key'], JSON.parse(Buffer.concat(chunks).toString())]);
        res.writeHead(refuse ? 400 : req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
        const t = { trackingId: 't-1', outcome: 'accepted', status: req.method === 'POST' ? 'pending' : 'committed' };
        res.end(
          JSON.stringify(
            refuse
              ? { statusCode: 400, error: 'Bad Request', message: ['document.id must be'] }
              : { ...t, txId: 'tx-9' },
          ),
        );
      });
    });
    await new Promise<void>((r) => {
      server.listen(0, '127.0.0.1', () => {
        r();
      });
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cli = (args: string[], e: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> =>
      new Promise((r) => {
        execFile(process.execPath, [CLI, ...args, '--wallet', file, '--mall', url], { env: e }, (err, out, errOut) => {
          r({ code: err ? Number(err.code) : 0, out, err: errOut });
        });
      });
    try {
      const noKey = await cli(['did', 'create'], env);
      expect([noKey.code, noKey.err]).toEqual([1, expect.stringContaining('MALLCHAIN_MALL_API_KEY')]);
      const withKey = { ...env, MALLCHAIN_MALL_API_KEY: 'k-9' };
      const before = (JSON.parse(run(['did', 'list'])) as unknown[]).length;
      const ok = await cli(['did', 'create', '--alg', 'EdDSA'], withKey);
      const printed = JSON.parse(ok.out) as { request: { document: { id: string } }; committed: { txId: string } };
      expect(printed.committed).toEqual({ txId: 'tx-9', status: 'committed' });
      expect(bodies).toEqual([['/v1/dids', 'k-9', printed.request]]);
      expect((JSON.parse(run(['did', 'list'])) as unknown[]).length).toBe(before + 1);
      refuse = true;
      const no = await cli(['did', 'create'], withKey);
      expect([no.code, no.err]).toEqual([1, expect.stringContaining('400 Bad Request: document.id must be')]);
      expect((JSON.parse(run(['did', 'list'])) as unknown[]).length).toBe(before + 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // Six CLI processes (each derives the scrypt key): generous for a loaded machine.
  }, 60_000);
});
