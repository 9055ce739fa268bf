import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortsFree, isAlive, portIsFree, runningPid, startProcess, stopProcess } from './processes';

describe('process control', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mallchain-proc-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a process in its own group, does not start it twice, and stops it with its children', async () => {
    const spec = {
      name: 'sleeper',
      command: 'bash',
      args: ['-c', 'sleep 300 & echo child $! ; wait'],
      env: { PATH: process.env.PATH },
      pidFile: join(dir, 'sleeper.pid'),
      logFile: join(dir, 'sleeper.log'),
    };
    const first = startProcess(spec);
    expect(first.started).toBe(true);
    expect(startProcess(spec)).toEqual({ pid: first.pid, started: false });
    let child = 0;
    for (let i = 0; i < 50 && child === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      child = Number(/child (\d+)/.exec(readFileSync(spec.logFile, 'utf8'))?.[1] ?? 0);
    }
    expect(isAlive(child)).toBe(true);
    expect(await stopProcess(spec.pidFile, 2000)).toBe(true);
    expect(isAlive(first.pid)).toBe(false);
    for (let i = 0; i < 40 && isAlive(child); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(child)).toBe(false);
    expect(runningPid(spec.pidFile)).toBeUndefined();
    expect(await stopProcess(spec.pidFile)).toBe(false);
  });

  describe('ports', () => {
    let server: Server;
    let port: number;
    beforeEach(async () => {
      server = createServer();
      await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
      port = (server.address() as { port: number }).port;
    });
    afterEach(async () => {
      await new Promise((r) => server.close(r));
    });

    it('detects a port that is taken and names it with its owner', async () => {
      expect(await portIsFree(port)).toBe(false);
      await expect(assertPortsFree([{ port, owner: 'peer0.mall-a.example.com' }])).rejects.toThrow(
        `port ${port} (for peer0.mall-a.example.com) is already in use by another process`,
      );
    });
  });
});
