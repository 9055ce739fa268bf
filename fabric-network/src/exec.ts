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
 * {@link NetworkError} quoting the command's last lines of stderr, and so does running past
 * `timeoutMs` (the command is killed).
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const what = `${command} ${args.slice(0, 3).join(' ')}`;
  const timeoutMs = opts.timeoutMs ?? 120_000;
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
    // A command that exits without reading its input makes the write fail with EPIPE; its exit
    // code says whether it worked, and an unhandled stream error would crash the caller.
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // Settle now: a child the command started may hold stdout open, and 'close' waits for it.
      child.stdout.destroy();
      child.stderr.destroy();
      reject(new NetworkError(`${what} timed out after ${timeoutMs / 1000}s and was killed`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new NetworkError(`cannot run ${command}: ${e.message}`, {}, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolvePromise({ stdout, stderr });
      else reject(failure(what, code, signal, stderr || stdout));
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The command's exit and its last error lines (or last lines, when none looks like an error). */
function failure(what: string, code: number | null, signal: NodeJS.Signals | null, output: string): NetworkError {
  const lines = output.trim().split('\n');
  const errors = lines.filter((l) => /error|fail|denied|refused/i.test(l));
  const tail = (errors.length > 0 ? errors : lines).slice(-8).join('\n');
  const how = signal ? `was killed by ${signal}` : `exited with ${code ?? 'no code'}`;
  return new NetworkError(`${what} ${how}:\n${tail}`);
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
