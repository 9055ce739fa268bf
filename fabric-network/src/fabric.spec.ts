import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  describe('choosing the version (a fake go that builds nothing real)', () => {
    const COMMANDS = ['peer', 'orderer', 'osnadmin', 'configtxgen', 'configtxlator', 'cryptogen'];
    const FAKE_GO = `#!/bin/bash
echo "$*" >> "$FAKE_GO_LOG"
case "$1" in
  env) [ "$2" = GOVERSION ] && echo go1.22.5; [ "$2" = GOPROXY ] && echo https://proxy.test ;;
  mod) case "$2" in
         init) echo 'module x' > go.mod ;;
         download) printf '{\n\t"Dir": "%s",\n}\n' "$FAKE_FABRIC_DIR" ;;
       esac ;;
  get) case "$2" in *435a7f1a780a)
         if [ -n "$FAKE_REFUSE_V3" ]; then echo "go: $2: reading https://proxy.test/x.info: 403 Forbidden"; exit 1; fi ;;
       esac ;;
  install) for c in ${COMMANDS.join(' ')}; do : > "$GOBIN/$c"; chmod +x "$GOBIN/$c"; done ;;
esac
`;
    const cache = (): string => join(dir, 'cache');
    const goLog = (): string[] =>
      existsSync(join(dir, 'go.log')) ? readFileSync(join(dir, 'go.log'), 'utf8').trim().split('\n') : [];
    /** A complete cached build of `version`, as a previous run leaves it. */
    const cached = (version: string): void => {
      const bin = join(cache(), version, 'bin');
      mkdirSync(bin, { recursive: true });
      mkdirSync(join(cache(), version, 'config'), { recursive: true });
      writeFileSync(join(cache(), version, 'config', 'core.yaml'), 'peer: {}\n');
      for (const c of COMMANDS) writeFileSync(join(bin, c), '', { mode: 0o755 });
      writeFileSync(join(bin, 'FABRIC_VERSION'), `${version}\n`);
    };
    const runFake = (extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } => {
      writeFileSync(join(dir, 'go'), FAKE_GO, { mode: 0o755 });
      const fabricDir = join(dir, 'module');
      mkdirSync(join(fabricDir, 'sampleconfig'), { recursive: true });
      writeFileSync(join(fabricDir, 'sampleconfig', 'core.yaml'), 'peer: {}\n');
      const r = spawnSync('bash', [INSTALL_SCRIPT], {
        env: {
          PATH: `${dir}:/usr/bin:/bin`,
          HOME: dir,
          MALLCHAIN_FABRIC_CACHE: cache(),
          FAKE_GO_LOG: join(dir, 'go.log'),
          FAKE_FABRIC_DIR: fabricDir,
          ...extra,
        },
        encoding: 'utf8',
      });
      return { status: r.status, stdout: r.stdout.trim().split('\n').pop() ?? '', stderr: r.stderr };
    };

    it('builds 3.1.1 by default and says it is the preferred release', () => {
      const r = runFake();
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(join(cache(), '3.1.1', 'bin'));
      expect(readFileSync(join(r.stdout, 'FABRIC_VERSION'), 'utf8').trim()).toBe('3.1.1');
      expect(r.stderr).toMatch(/using Fabric 3\.1\.1: built in \d+s .*\(auto: the preferred release/);
    });

    it('builds 3.1.1 rather than settling for a cached 2.5.0', () => {
      cached('2.5.0');
      const r = runFake();
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(join(cache(), '3.1.1', 'bin'));
    });

    it('falls back to 2.5.0 when the proxy refuses 3.1.1 and says why, without asking the proxy again', () => {
      cached('2.5.0');
      const first = runFake({ FAKE_REFUSE_V3: '1' });
      expect(first.status).toBe(0);
      expect(first.stdout).toBe(join(cache(), '2.5.0', 'bin'));
      expect(first.stderr).toMatch(
        /using Fabric 2\.5\.0: cached binaries .*\(auto fell back: Fabric 3\.1\.1 could not be resolved from the module proxy on .*403 Forbidden/,
      );
      const asked = goLog().filter((l) => l.startsWith('get ')).length;
      expect(asked).toBe(1);

      const second = runFake({ FAKE_REFUSE_V3: '1' });
      expect(second.stdout).toBe(join(cache(), '2.5.0', 'bin'));
      expect(second.stderr).toContain('403 Forbidden');
      expect(second.stderr).toContain(`delete ${join(cache(), '3.1.1', 'UNAVAILABLE')} to try it again`);
      expect(goLog().filter((l) => l.startsWith('get ')).length).toBe(asked);
    });

    it('names the setting when a version is requested explicitly', () => {
      cached('2.5.0');
      cached('3.1.1');
      const r = runFake({ MALLCHAIN_FABRIC_VERSION: '2.5.0' });
      expect(r.stdout).toBe(join(cache(), '2.5.0', 'bin'));
      expect(r.stderr).toContain('using Fabric 2.5.0: cached binaries');
      expect(r.stderr).toContain('(MALLCHAIN_FABRIC_VERSION=2.5.0)');
    });

    it('fails naming every refusal when no version can be resolved', () => {
      const r = runFake({ FAKE_REFUSE_V3: '1', MALLCHAIN_FABRIC_VERSION: '3.1.1' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('no Fabric version among (3.1.1) could be resolved');
      expect(r.stderr).toContain('403 Forbidden');
    });
  });

  it('refuses an unsupported Fabric version', () => {
    const r = runScript(process.env.PATH ?? '', { MALLCHAIN_FABRIC_VERSION: '1.4.0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MALLCHAIN_FABRIC_VERSION=1.4.0 is not supported');
  });
});

describe('isFabric3', () => {
  it('tells v3 from v2.5 by the recorded version', () => {
    expect(isFabric3({ version: '3.1.1' })).toBe(true);
    expect(isFabric3({ version: '2.5.0' })).toBe(false);
  });
});
