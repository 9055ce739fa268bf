import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface Child {
  readonly proc: ChildProcess;
  readonly base: string;
  /** Resolves with the signal (or exit code) when the process ends. */
  readonly exited: Promise<string>;
  stderr(): string;
}

/** Starts real-app-process.ts in its own node process and waits until it listens. */
export function startChild(env: Record<string, string>, timeoutMs = 60_000): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ['-r', path.join(__dirname, '..', '..', 'support', 'ts-register.js'), path.join(__dirname, 'real-app-process.ts')],
    { env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      resolve(signal ?? String(code));
    });
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child did not start: ${err}`));
    }, timeoutMs);
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: `http://127.0.0.1:${m[1]}`, exited, stderr: () => err });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${how}) before listening: ${err}`));
    });
  });
}

/** kill -9, and wait for the process to be gone. */
export async function killHard(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}
