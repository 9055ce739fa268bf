import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** A middleware in a node process of its own (for kill -9 tests), listening on 127.0.0.1. */
export interface ChildApp {
  readonly proc: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** Resolves with the signal (or exit code) when the process ends. */
  readonly exited: Promise<string>;
  /** What the process wrote to stderr so far. */
  stderr(): string;
}

const REGISTER = path.join(__dirname, 'ts-register.js');

/** Where a child runs: by default on port 0 of 127.0.0.1 of this host; `wrap` runs it elsewhere (a namespace). */
export interface ChildPlacement {
  readonly wrap?: (command: string, args: readonly string[]) => [string, string[]];
  readonly port?: number;
  readonly host?: string;
}

/**
 * Runs the TypeScript entry point `script` (one that ends with `announceListening` of ./announce) in its own
 * node process on port 0 of 127.0.0.1, and resolves once it printed the port it listens on.
 */
export function spawnListening(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
  where: ChildPlacement = {},
): Promise<ChildApp> {
  const [command, args] = (where.wrap ?? ((c, a) => [c, a]))(process.execPath, ['-r', REGISTER, script]);
  const proc = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(where.port ?? 0), HOST: where.host ?? '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
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
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}`, exited, stderr: () => err });
      }
    });
    // Once resolved this rejection is a no-op: only an exit before listening reaches the caller.
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${how}) before listening: ${err}`));
    });
  });
}

/** Starts test/support/app-process.ts (the application with a journalled fake ledger). */
export function startChildApp(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildApp> {
  return spawnListening(path.join(__dirname, 'app-process.ts'), env, timeoutMs);
}

/** kill -9, and wait for the process to be gone. */
export async function killHard(child: ChildApp): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}
