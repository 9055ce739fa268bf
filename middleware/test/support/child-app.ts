import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ChildApp {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly base: string;
}

/** Starts test/support/app-process.ts in its own node process and waits for it to listen. */
export function startChildApp(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildApp> {
  const proc = spawn(
    process.execPath,
    ['-r', path.join(__dirname, 'ts-register.js'), path.join(__dirname, 'app-process.ts')],
    {
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
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
        resolve({ proc, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}` });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${String(code)}: ${err}`));
    });
  });
}

export function killHard(child: ChildApp): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      resolve();
      return;
    }
    child.proc.once('exit', () => {
      resolve();
    });
    child.proc.kill('SIGKILL');
  });
}
