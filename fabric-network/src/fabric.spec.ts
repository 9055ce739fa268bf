import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_SCRIPT, isFabric3 } from './fabric';

describe('install-fabric.sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mallchain-go-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const runScript = (path: string, extra: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } => {
    const r = spawnSync('bash', [INSTALL_SCRIPT], {
      env: { PATH: path, HOME: process.env.HOME, MALLCHAIN_FABRIC_CACHE: join(dir, 'cache'), ...extra },
      encoding: 'utf8',
    });
    return { status: r.status, stderr: r.stderr };
  };

  it('fails clearly when Go is missing', () => {
    const r = runScript(`${dir}:/usr/bin:/bin`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Go is not installed or not on PATH');
  });

  it('fails clearly when Go is too old', () => {
    const fakeGo = join(dir, 'go');
    writeFileSync(fakeGo, '#!/bin/sh\n[ "$1 $2" = "env GOVERSION" ] && echo go1.19.4\n');
    chmodSync(fakeGo, 0o755);
    const r = runScript(`${dir}:/usr/bin:/bin`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Go 1.19.4 is too old');
  });

  it('refuses an unsupported Fabric version', () => {
    const r = runScript(process.env.PATH ?? '', { MALLCHAIN_FABRIC_VERSION: '1.4.0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MALLCHAIN_FABRIC_VERSION=1.4.0 is not supported');
  });
});

describe('isFabric3', () => {
  it('tells v3 from v2.5 by the recorded version', () => {
    expect(isFabric3({ version: '3.1.5' })).toBe(true);
    expect(isFabric3({ version: '2.5.0' })).toBe(false);
  });
});
