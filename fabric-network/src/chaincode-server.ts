/**
 * The chaincode as code: where its source is, which version and build it is, and the
 * chaincode-as-a-service processes that run it: one per mall and lifecycle sequence, each dialled
 * by its own mall's peer only (in a real consortium every mall runs its own).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChaincodeDefinition, type ChaincodeServer, serverProcessName, serversOf } from './chaincode-definition';
import { NetworkError } from './errors';
import { NetworkPaths, REPO_ROOT } from './paths';
import { startProcess, stopProcess, waitForPort } from './processes';

export const CHAINCODE_DIR = join(REPO_ROOT, 'chaincode');

/** Version in chaincode/package.json: what `up` deploys. */
export function sourceVersion(): string {
  return (JSON.parse(readFileSync(join(CHAINCODE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Digest of the built chaincode (chaincode/dist and package.json). A CCaaS package holds only
 * the server's address, so a code change is detected here and deployed as a new sequence,
 * exactly like a version change.
 */
export function sourceDigest(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(CHAINCODE_DIR, 'package.json')));
  const dist = join(CHAINCODE_DIR, 'dist');
  const files = existsSync(dist)
    ? readdirSync(dist, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.js'))
        .sort()
    : [];
  for (const f of files) hash.update(f).update(readFileSync(join(dist, f)));
  return hash.digest('hex').slice(0, 16);
}

/** Starts every mall's chaincode server (CCaaS) of a definition that is not running yet. */
export async function startServer(
  paths: NetworkPaths,
  def: Pick<ChaincodeDefinition, 'sequence' | 'address' | 'packageId' | 'label' | 'servers'>,
): Promise<void> {
  for (const server of serversOf(def as ChaincodeDefinition)) await startOneServer(paths, def.sequence, server);
}

/**
 * Starts one mall's chaincode server and waits for its port. `opts` serve benchmarks that run
 * another build of the chaincode beside the deployed one: its directory and process name.
 */
export async function startOneServer(
  paths: NetworkPaths,
  sequence: number,
  server: Pick<ChaincodeServer, 'mall' | 'address' | 'packageId'>,
  opts: { moduleDir?: string; processName?: string } = {},
): Promise<void> {
  const moduleDir = opts.moduleDir ?? CHAINCODE_DIR;
  const dist = join(moduleDir, 'dist', 'index.js');
  if (!existsSync(dist)) {
    throw new NetworkError('the chaincode is not built', {
      hint: 'run `npm ci && npm run build` in chaincode/ (npm run build at the top level does it)',
    });
  }
  const port = Number(server.address.split(':')[1]);
  const name = opts.processName ?? serverProcessName(sequence, server);
  startProcess({
    name,
    command: process.execPath,
    args: [
      join(CHAINCODE_DIR, 'node_modules', 'fabric-shim', 'cli.js'),
      'server',
      '--chaincode-address',
      server.address,
      '--chaincode-id',
      server.packageId,
      '--module-path',
      moduleDir,
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CORE_CHAINCODE_LOGGING_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    pidFile: paths.pid(name),
    logFile: paths.log(name),
    chaincodeMall: server.mall,
  });
  await waitForPort(port, 30_000, `chaincode server ${name}`, paths.log(name));
}

/** Process names of every server of `sequence` that has a pid file (all malls', and the old shared one). */
export function serverProcesses(paths: NetworkPaths, sequence: number): string[] {
  if (!existsSync(paths.run)) return [];
  const own = new RegExp(`^chaincode-${sequence}(-[A-Za-z0-9]+)?\\.pid$`);
  return readdirSync(paths.run)
    .filter((f) => own.test(f))
    .map((f) => f.slice(0, -'.pid'.length))
    .sort();
}

/** Stops every server of `sequence`. */
export async function stopServer(paths: NetworkPaths, sequence: number): Promise<void> {
  for (const name of serverProcesses(paths, sequence)) await stopProcess(paths.pid(name));
}
