import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError } from './errors';
import { run } from './exec';
import { REPO_ROOT } from './paths';
import { Progress } from './progress';

/** The Fabric binaries and their sample configuration, as built by install-fabric.sh. */
export interface FabricTools {
  readonly binDir: string;
  /** Fabric's sampleconfig (core.yaml, orderer.yaml) that env variables then override. */
  readonly configDir: string;
  /** Release, e.g. `2.5.0` or `3.1.1`. */
  readonly version: string;
  bin(name: 'peer' | 'orderer' | 'osnadmin' | 'configtxgen' | 'configtxlator' | 'cryptogen'): string;
}

export const INSTALL_SCRIPT = join(REPO_ROOT, 'fabric-network', 'scripts', 'install-fabric.sh');

/** Builds the binaries if needed (seconds when cached) and describes them. */
export async function ensureFabric(progress: Progress): Promise<FabricTools> {
  progress('checking Fabric binaries (built from the Go module proxy on first use)');
  let binDir: string;
  try {
    const { stdout, stderr } = await run('bash', [INSTALL_SCRIPT], { timeoutMs: 45 * 60_000 });
    for (const line of stderr.trim().split('\n')) if (line) progress(line.replace(/^\[install-fabric\] /, ''));
    binDir = stdout.trim().split('\n').pop() ?? '';
  } catch (e) {
    throw new NetworkError('could not install the Fabric binaries', { hint: (e as Error).message }, { cause: e });
  }
  return toolsAt(binDir);
}

export function toolsAt(binDir: string): FabricTools {
  const versionFile = join(binDir, 'FABRIC_VERSION');
  if (!existsSync(versionFile))
    throw new NetworkError(`no Fabric binaries in ${binDir}`, { hint: `run bash ${INSTALL_SCRIPT}` });
  const version = readFileSync(versionFile, 'utf8').trim();
  return {
    binDir,
    configDir: join(binDir, '..', 'config'),
    version,
    bin: (name) => join(binDir, name),
  };
}

/** Major version 3 networks use the V3_0 channel capability; 2.5 networks use V2_0. */
export function isFabric3(tools: Pick<FabricTools, 'version'>): boolean {
  return tools.version.startsWith('3.');
}
