import { spawn } from 'node:child_process';
import { NetworkError } from './errors';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Milliseconds before the command is killed (default 120 s). */
  timeoutMs?: number;
  input?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and returns its output; a non-zero exit becomes a
 * {@link NetworkError} quoting the command's last lines of stderr.
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new NetworkError(`cannot run ${command}: ${e.message}`, {}, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolvePromise({ stdout, stderr });
        return;
      }
      const lines = (stderr || stdout).trim().split('\n');
      const errors = lines.filter((l) => /error|fail|denied|refused/i.test(l));
      const tail = (errors.length > 0 ? errors : lines).slice(-8).join('\n');
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      reject(new NetworkError(`${command} ${args.slice(0, 3).join(' ')} ${how}:\n${tail}`));
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Retries `fn` until it succeeds or `timeoutMs` passes; rethrows the last error. */
export async function retry<T>(fn: () => Promise<T>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() + intervalMs > deadline) throw e;
      await sleep(intervalMs);
    }
  }
}
