/**
 * A second chaincode on the running network, beside the deployed `mallchain`: the build of
 * another git revision (exported with `git archive` into a scratch directory and built there
 * against this checkout's chaincode/node_modules; nothing in the repository changes) or of this
 * working tree, under its own name, with one server per mall exactly like the deployed one.
 * The points benchmark runs `main`'s chaincode here to measure old and new side by side; the
 * upgrade e2e deploys `main`'s, writes with it, then upgrades the same name to this working
 * tree's build and reads what the old code wrote.
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
  sourceDigest,
  startOneServer,
} from '../../fabric-network/src';
import { stopProcess } from '../../fabric-network/src/processes';

export const BASELINE_NAME = 'mallchainbase';

/** Which build to run: a git revision, or this working tree's chaincode/dist. */
export type ChaincodeBuild = { readonly revision: string } | { readonly workingTree: true };

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

/** Where a build's chaincode lives and what identifies it. */
function buildOf(build: ChaincodeBuild): { dir: string; commit: string; revision: string } {
  if ('workingTree' in build) return { dir: CHAINCODE_DIR, commit: `wt${sourceDigest()}`, revision: 'working tree' };
  return { ...buildRevision(build.revision), revision: build.revision };
}

/**
 * Deploys `build` as chaincode `name` (a new sequence when the committed one is another build)
 * and (re)starts its servers, one per mall. Data stays: state belongs to the chaincode name.
 */
export async function deploySideChaincode(
  build: ChaincodeBuild,
  log: (s: string) => void,
  name = BASELINE_NAME,
): Promise<Baseline> {
  const { dir, commit: commitId, revision } = buildOf(build);
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
    const label = `${name}_${commitId.slice(0, 12)}_${m.name}`;
    const address = `127.0.0.1:${t.portBase + BASELINE_PORT_OFFSET + mallIndex(m)}`;
    const pkg = await packageChaincode(ctx.paths, label, address);
    servers.push({ mall: m.name, mspId: m.mspId, label, address, packageId: pkg.packageId, file: pkg.file });
  }
  const processes = servers.map((s) => `side-${name}-${s.mall}`);
  // The servers listen on the same ports whatever the build: an earlier build's stop first.
  for (const p of processes) await stopProcess(ctx.paths.pid(p));
  for (const [i, s] of servers.entries()) {
    await startOneServer(ctx.paths, 1, s, { moduleDir: dir, processName: processes[i] });
  }
  const first = t.malls[0];
  if (!first) throw new Error('no mall in the network');
  const committed = await queryCommitted(ctx, first, name);
  if (committed?.version !== version) {
    const sequence = (committed?.sequence ?? 0) + 1;
    const head = servers[0];
    if (!head) throw new Error('no server');
    const def: ChaincodeDefinition = {
      name,
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
    log(`deployed ${name} (${revision} = ${commitId.slice(0, 12)}) as sequence ${sequence}`);
  }
  return {
    name,
    revision,
    commit: commitId,
    servers: servers.map(({ file: _file, ...s }) => s),
    processes,
    stop: async () => {
      for (const p of processes) await stopProcess(ctx.paths.pid(p));
    },
  };
}
