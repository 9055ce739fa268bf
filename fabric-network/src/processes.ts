import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import { NetworkError } from './errors';
import { sleep } from './exec';

export interface ProcessSpec {
  /** Unique name: also the pid and log file name. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly pidFile: string;
  readonly logFile: string;
  /**
   * For a chaincode server: the mall it serves (`MallA`), or `''` for one server shared by every mall (a definition
   * recorded before servers were per mall). The separate-hosts placement runs it where that mall's peer dials it.
   */
  readonly chaincodeMall?: string;
}

/**
 * Where processes run: the identity by default; the separate-hosts topology (hosts/) wraps each node's command so
 * that it runs in its organisation's network namespace.
 */
export type Placement = (spec: ProcessSpec) => ProcessSpec;

let placement: Placement = (spec) => spec;

/** Sets (or, without an argument, resets) the {@link Placement} of every process started afterwards. */
export function setPlacement(p?: Placement): void {
  placement = p ?? ((spec) => spec);
}

/** Process id recorded for `pidFile` if that process is still alive. */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isAlive(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a long-running process in its own process group (so that stopping it also stops
 * anything it spawned), appending its output to its log file, and records its pid. A process
 * already running under the same pid file is left alone.
 */
export function startProcess(unplaced: ProcessSpec): { pid: number; started: boolean } {
  const spec = placement(unplaced);
  const existing = runningPid(spec.pidFile);
  if (existing !== undefined) return { pid: existing, started: false };
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined)
      throw new NetworkError(`cannot start ${spec.name} (${spec.command})`, { log: spec.logFile });
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return { pid: child.pid, started: true };
  } finally {
    closeSync(fd);
  }
}

/** Stops the process group recorded in `pidFile`: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(pidFile: string, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  rmSync(pidFile, { force: true });
  if (pid === undefined) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
  return true;
}

/** True while any process of the group led by `pid` exists. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return isAlive(pid);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => {
      resolvePromise(false);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => {
        resolvePromise(true);
      });
    });
  });
}

/** Fails naming the first port that something else already holds. */
export async function assertPortsFree(ports: readonly { port: number; owner: string }[]): Promise<void> {
  for (const { port, owner } of ports) {
    if (!(await portIsFree(port))) {
      throw new NetworkError(`port ${port} (for ${owner}) is already in use by another process`, {
        hint: 'stop that process, or choose other ports with MALLCHAIN_PORT_BASE=<base> (ports base+50 … base+250 are used)',
      });
    }
  }
}

/** Waits until something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, what: string, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await accepts(port)) return;
    await sleep(200);
  }
  throw new NetworkError(`${what} did not start listening on port ${port} within ${timeoutMs / 1000}s`, {
    log: logFile,
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => {
      resolvePromise(false);
    });
  });
}
