import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkError } from './errors';
import { retry, run } from './exec';
import { isAlive } from './processes';

describe('run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mallchain-exec-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns stdout and stderr of a command that succeeds', async () => {
    await expect(run('bash', ['-c', 'echo out; echo err >&2'])).resolves.toEqual({ stdout: 'out\n', stderr: 'err\n' });
  });

  it('quotes the failing lines of stderr and the exit code', async () => {
    const failure = run('bash', ['-c', 'echo starting >&2; echo "Error: channel not found" >&2; exit 3']);
    await expect(failure).rejects.toThrow(NetworkError);
    await expect(failure).rejects.toThrow(/exited with 3:\nError: channel not found$/);
  });

  it('names a command that cannot be started', async () => {
    await expect(run(join(dir, 'missing'), [])).rejects.toThrow(/cannot run .*missing: spawn .* ENOENT/);
  });

  it('gives up at its timeout even while a child of the command holds its output open', async () => {
    // The background sleep inherits stdout; waiting for the pipes to close would wait for it.
    const pidFile = join(dir, 'child.pid');
    const started = Date.now();
    try {
      await expect(run('bash', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 300 })).rejects.toThrow(
        /^bash -c .* timed out after 0\.3s/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      const child = Number(readFileSync(pidFile, 'utf8'));
      if (isAlive(child)) process.kill(child, 'SIGKILL');
    }
  });
});

describe('retry', () => {
  it('returns the first success and rethrows the last failure after the deadline', async () => {
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return calls < 3 ? Promise.reject(new Error(`attempt ${calls}`)) : Promise.resolve(calls);
        },
        5000,
        10,
      ),
    ).resolves.toBe(3);
    await expect(retry(() => Promise.reject(new Error('still down')), 50, 10)).rejects.toThrow('still down');
  });
});
