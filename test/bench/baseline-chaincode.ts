/**
 * The "old" side of the points benchmark: the chaincode of another git revision (by default
 * `main`), deployed on the same running network under its own name (`mallchainbase`), with one
 * server per mall exactly like the deployed chaincode, so both are measured on the same
 * topology in one run. Its source is exported with `git archive` into a scratch directory and
 * built there against this checkout's chaincode/node_modules; nothing in the repository changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChaincodeDefinition,
  ChaincodeServer,
  CHAINCODE_DIR,
  Network,
  NetworkContext,
  REPO_ROOT,
  approve,
  commit,
  ensureFabric,
  install,
  mallIndex,
  packageChaincode,
  queryCommitted,
  readState,
  readiness,
  settingsFromEnv,
  startOneServer,
} from '../../fabric-network/src';
import { stopProcess } from '../../fabric-network/src/processes';

export const BASELINE_NAME = 'mallchainbase';

/** Ports base+296… (above every mall's sequence ports, below the middlewares'). */
const BASELINE_PORT_OFFSET = 296;

export interface Baseline {
  readonly name: string;
  readonly revision: string;
  readonly commit: string;
  readonly servers: readonly ChaincodeServer[];
  /** Process (pid file) names of its servers. */
  readonly processes: readonly string[];
  stop(): Promise<void>;
}

function git(args: string[]): string {
  return execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' }).trim();
}

/** Exports and builds the chaincode of `revision` into a scratch directory (reused when built already). */
function buildRevision(revision: string): { dir: string; commit: string } {
  const commitId = git(['rev-parse', `${revision}^{commit}`]);
  const root = join(REPO_ROOT, '.mallchain', 'bench', `chaincode-${commitId.slice(0, 12)}`);
  const dir = join(root, 'chaincode');
  if (existsSync(join(dir, 'dist', 'index.js'))) return { dir, commit: commitId };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const archive = execFileSync('git', [
    '-C',
    REPO_ROOT,
    'archive',
    commitId,
    'chaincode/src',
    'chaincode/package.json',
    'chaincode/tsconfig.json',
    'chaincode/tsconfig.build.json',
    'tsconfig.base.json',
  ]);
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(CHAINCODE_DIR, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(
    process.execPath,
    [join(CHAINCODE_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  return { dir, commit: commitId };
}

/** Deploys (or finds deployed) the baseline chaincode and starts its servers. */
export async function deployBaseline(revision: string, log: (s: string) => void): Promise<Baseline> {
  const { dir, commit: commitId } = buildRevision(revision);
  const settings = settingsFromEnv();
  const network = new Network(settings, log);
  const state = readState(network.paths);
  if (!state) throw new Error(`no network recorded in ${network.paths.home}: run \`npm run network -- up\` first`);
  const tools = await ensureFabric(() => undefined);
  const ctx: NetworkContext = {
    tools,
    paths: network.paths,
    topology: network.topology(state),
    channel: settings.channel,
    progress: log,
  };
  const t = ctx.topology;
  const version = `base-${commitId.slice(0, 12)}`;
  const servers: (ChaincodeServer & { file: string })[] = [];
  for (const m of t.malls) {
    const label = `${BASELINE_NAME}_${commitId.slice(0, 12)}_${m.name}`;
    const address = `127.0.0.1:${t.portBase + BASELINE_PORT_OFFSET + mallIndex(m)}`;
    const pkg = await packageChaincode(ctx.paths, label, address);
    servers.push({ mall: m.name, mspId: m.mspId, label, address, packageId: pkg.packageId, file: pkg.file });
  }
  const processes = servers.map((s) => `bench-${BASELINE_NAME}-${s.mall}`);
  for (const [i, s] of servers.entries()) {
    await startOneServer(ctx.paths, 1, s, { moduleDir: dir, processName: processes[i] });
  }
  const first = t.malls[0];
  if (!first) throw new Error('no mall in the network');
  const committed = await queryCommitted(ctx, first, BASELINE_NAME);
  if (committed?.version !== version) {
    const sequence = (committed?.sequence ?? 0) + 1;
    const head = servers[0];
    if (!head) throw new Error('no server');
    const def: ChaincodeDefinition = {
      name: BASELINE_NAME,
      version,
      sequence,
      label: head.label,
      address: head.address,
      packageId: head.packageId,
      servers: servers.map(({ file: _file, ...s }) => s),
    };
    for (const [i, m] of t.malls.entries()) {
      const s = servers[i];
      if (s) await install(ctx, m, s);
    }
    const approvals = await readiness(ctx, first, def);
    for (const m of t.malls) if (!approvals[m.mspId]) await approve(ctx, m, def);
    await commit(ctx, def);
    log(`deployed ${BASELINE_NAME} (${revision} = ${commitId.slice(0, 12)}) as sequence ${sequence}`);
  }
  return {
    name: BASELINE_NAME,
    revision,
    commit: commitId,
    servers: servers.map(({ file: _file, ...s }) => s),
    processes,
    stop: async () => {
      for (const p of processes) await stopProcess(ctx.paths.pid(p));
    },
  };
}
