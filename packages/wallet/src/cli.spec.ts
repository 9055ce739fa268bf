/** The built CLI as a member runs it (`npm run build` first): a keystore file, a DID, a consent, refusals. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCompactConsent } from '@mallchain/wire';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'wallet-cli-'));
const file = join(dir, 'me.json');
/**
 * The CLI's environment is built here, not copied from the test's: a MALLCHAIN_MALL_URL or key in the caller's
 * environment would turn `did create` into a submission.
 */
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: tmpdir(),
  LANG: 'C.UTF-8',
  MALLCHAIN_WALLET_PASSPHRASE: 'a long passphrase',
};
const LIMIT_MS = 45_000;

const readProc = (f: string): string => {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return '?';
  }
};

/**
 * What a stuck process is doing, read before it is killed: per thread its name, state, wait channel and blocked
 * system call; the native stacks of all threads (gdb, when the machine has it); the memory cgroup's limit and use.
 */
function snapshot(pid: number | undefined): string {
  if (pid === undefined) return 'no pid';
  const lines: string[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 'gone';
  }
  for (const t of tasks) {
    const d = `/proc/${pid}/task/${t}`;
    const state = /^State:\s*(.*)$/m.exec(readProc(`${d}/status`))?.[1] ?? '?';
    const call = readProc(`${d}/syscall`).split(' ').slice(0, 4).join(' ');
    lines.push(`thread ${t} ${readProc(`${d}/comm`)}: ${state}; wchan ${readProc(`${d}/wchan`)}; syscall ${call}`);
  }
  const memcg = /^\d+:memory:(.*)$/m.exec(readProc(`/proc/${pid}/cgroup`))?.[1];
  if (memcg !== undefined) {
    const g = `/sys/fs/cgroup/memory${memcg}`;
    lines.push(
      `memory cgroup ${memcg}: limit ${readProc(`${g}/memory.limit_in_bytes`)}, usage ${readProc(`${g}/memory.usage_in_bytes`)}, ${readProc(`${g}/memory.oom_control`).replace(/\n/g, ', ')}`,
    );
  }
  const gdb = spawnSync('gdb', ['-p', String(pid), '-batch', '-nx', '-ex', 'thread apply all bt 25'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  lines.push(
    gdb.error
      ? `gdb: ${gdb.error.message}`
      : `gdb:\n${gdb.stdout
          .split('\n')
          .filter((l) => /^(Thread|#)/.test(l))
          .join('\n')}`,
  );
  return lines.join('\n');
}

class Hang extends Error {}

/**
 * One CLI run with no stdin and a time limit. A run that overstays is reported with what the kernel and gdb say it
 * is waiting for and what it printed, then killed, so a hang fails this test with a reason instead of blocking jest.
 */
function execOnce(args: string[], e: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--wallet', file], {
      env: e,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => {
      const seen = snapshot(child.pid);
      child.kill('SIGKILL');
      reject(
        new Hang(
          `wallet ${args.join(' ')} still running after ${LIMIT_MS} ms; stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}\n${seen}`,
        ),
      );
    }, LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/**
 * A CLI run. A hang (seen twice in CI, never reproduced elsewhere: README.md, 'Known issue') is printed in full and the run
 * is made once more, so the next hang leaves its native stacks in the log; a second hang fails the test.
 */
async function exec(
  args: string[],
  e: NodeJS.ProcessEnv = env,
): Promise<{ code: number | null; out: string; err: string }> {
  try {
    return await execOnce(args, e);
  } catch (first) {
    if (!(first instanceof Hang)) throw first;
    process.stderr.write(`[wallet cli.spec] ${first.message}\n[wallet cli.spec] running it once more\n`);
    return execOnce(args, e);
  }
}

/** A run that must succeed: its stdout. */
async function run(args: string[], e: NodeJS.ProcessEnv = env): Promise<string> {
  const r = await exec(args, e);
  if (r.code !== 0) throw new Error(`wallet ${args.join(' ')} exited ${String(r.code)}: ${r.err}`);
  return r.out;
}

describe('wallet CLI', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  });

  it('creates a wallet and a DID, and signs a redeem consent shown as text and QR code', async () => {
    expect(await run(['init'])).toContain('new empty wallet');
    const create = JSON.parse(await run(['did', 'create', '--alg', 'EdDSA'])) as { document: { id: string } };
    const did = create.document.id;
    expect(readFileSync(file, 'utf8')).not.toContain(did);
    const out = await run([
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
  }, 240_000);

  it('refuses a wrong passphrase, a missing one, a bad amount and an unknown command', async () => {
    const wrong = await exec(['did', 'list'], { ...env, MALLCHAIN_WALLET_PASSPHRASE: 'another passphrase' });
    expect([wrong.code, wrong.err]).toEqual([1, expect.stringContaining('wrong passphrase')]);
    expect((await exec(['did', 'list'], { ...env, MALLCHAIN_WALLET_PASSPHRASE: '' })).err).toContain(
      'MALLCHAIN_WALLET_PASSPHRASE',
    );
    const did = (JSON.parse(await run(['did', 'list'])) as { did: string }[])[0]!.did;
    const bad = await exec(['consent', 'redeem', '--did', did, '--merchant', 'm', '--program', 'p', '--amount', '0']);
    expect(bad.err).toContain('--amount must be a positive integer');
    expect((await exec(['nonsense'])).code).toBe(2);
  }, 240_000);

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
    const cli = (args: string[], e: NodeJS.ProcessEnv): ReturnType<typeof exec> => exec([...args, '--mall', url], e);
    try {
      const noKey = await cli(['did', 'create'], env);
      expect([noKey.code, noKey.err]).toEqual([1, expect.stringContaining('MALLCHAIN_MALL_API_KEY')]);
      const withKey = { ...env, MALLCHAIN_MALL_API_KEY: 'k-9' };
      const before = (JSON.parse(await run(['did', 'list'])) as unknown[]).length;
      const ok = await cli(['did', 'create', '--alg', 'EdDSA'], withKey);
      const printed = JSON.parse(ok.out) as { request: { document: { id: string } }; committed: { txId: string } };
      expect(printed.committed).toEqual({ txId: 'tx-9', status: 'committed' });
      expect(bodies).toEqual([['/v1/dids', 'k-9', printed.request]]);
      expect((JSON.parse(await run(['did', 'list'])) as unknown[]).length).toBe(before + 1);
      refuse = true;
      const no = await cli(['did', 'create'], withKey);
      expect([no.code, no.err]).toEqual([1, expect.stringContaining('400 Bad Request: document.id must be')]);
      expect((JSON.parse(await run(['did', 'list'])) as unknown[]).length).toBe(before + 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // Six CLI processes (each derives the scrypt key), each with its own limit: generous for a loaded machine.
  }, 300_000);
});
