import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ChaincodeDefinition, ChaincodeServer, Committed, serverOf, writeDefinition } from './chaincode-definition';
import { join } from 'node:path';
import { NetworkError } from './errors';
import { run, retry } from './exec';
import { ChannelContext, NetworkContext, NodeContext } from './context';
import { ordererArgs, peerAdminEnv } from './nodes';
import { startServer } from './chaincode-server';
import { NetworkPaths } from './paths';
import { MallOrg, chaincodeServerPort, mallIndex } from './topology';

/**
 * Builds a CCaaS package (metadata.json + code.tar.gz with connection.json). The package is
 * kept and reused, so its ID stays stable across `up` runs.
 */
export async function packageChaincode(
  paths: NetworkPaths,
  label: string,
  address: string,
): Promise<{ file: string; packageId: string }> {
  const dir = join(paths.artifacts, 'chaincode', label);
  const file = join(dir, `${label}.tar.gz`);
  if (!existsSync(file)) {
    const work = join(dir, 'src');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'connection.json'), JSON.stringify({ address, dial_timeout: '10s', tls_required: false }));
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
    await run('tar', ['-C', work, '-czf', join(dir, 'code.tar.gz'), 'connection.json']);
    await run('tar', ['-C', dir, '-czf', file, 'metadata.json', 'code.tar.gz']);
  }
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { file, packageId: `${label}:${digest}` };
}

async function installedIds({ tools, paths }: NodeContext, m: MallOrg): Promise<string[]> {
  const { stdout } = await run(tools.bin('peer'), ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'], {
    env: peerAdminEnv(tools, paths, m),
  });
  const body = JSON.parse(stdout || '{}') as { installed_chaincodes?: { package_id: string }[] };
  return (body.installed_chaincodes ?? []).map((c) => c.package_id);
}

/** Installs a package on a mall's peer unless it has it already. */
export async function install(
  ctx: NodeContext,
  m: MallOrg,
  pkg: { readonly file: string; readonly packageId: string },
): Promise<boolean> {
  const { tools, paths } = ctx;
  const { file, packageId } = pkg;
  if ((await installedIds(ctx, m)).includes(packageId)) return false;
  await run(tools.bin('peer'), ['lifecycle', 'chaincode', 'install', file], {
    env: peerAdminEnv(tools, paths, m),
    timeoutMs: 300_000,
  });
  return true;
}

function definitionArgs(def: ChaincodeDefinition, channel: string): string[] {
  const args = [
    '--channelID',
    channel,
    '--name',
    def.name,
    '--version',
    def.version,
    '--sequence',
    String(def.sequence),
  ];
  if (def.signaturePolicy) args.push('--signature-policy', def.signaturePolicy);
  return args;
}

/** The package mall `m` installs and approves: its own server's (a definition has one per mall). */
export function packageIdFor(def: ChaincodeDefinition, m: Pick<MallOrg, 'mspId'>): string {
  const server = serverOf(def, m.mspId);
  if (!server) throw new NetworkError(`chaincode ${def.name} sequence ${def.sequence} has no server for ${m.mspId}`);
  return server.packageId;
}

export async function approve(
  { tools, paths, topology: t, channel }: Pick<NetworkContext, 'tools' | 'paths' | 'topology' | 'channel'>,
  m: MallOrg,
  def: ChaincodeDefinition,
): Promise<void> {
  const args = [
    'lifecycle',
    'chaincode',
    'approveformyorg',
    ...ordererArgs(paths, t),
    ...definitionArgs(def, channel),
    '--package-id',
    packageIdFor(def, m),
    '--waitForEvent',
  ];
  await retry(() => run(tools.bin('peer'), args, { env: peerAdminEnv(tools, paths, m) }), 30_000, 2000);
}

/** Which organisations have approved the definition (checkcommitreadiness). */
export async function readiness(
  { tools, paths, channel }: ChannelContext,
  m: MallOrg,
  def: ChaincodeDefinition,
): Promise<Record<string, boolean>> {
  const { stdout } = await run(
    tools.bin('peer'),
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionArgs(def, channel), '-O', 'json'],
    {
      env: peerAdminEnv(tools, paths, m),
    },
  );
  return (JSON.parse(stdout) as { approvals: Record<string, boolean> }).approvals;
}

/** Arguments that name every mall's peer, so that a proposal collects all their endorsements. */
export function allPeersArgs(paths: NetworkPaths, malls: readonly MallOrg[]): string[] {
  return malls.flatMap((m) => [
    '--peerAddresses',
    `127.0.0.1:${m.peer.port}`,
    '--tlsRootCertFiles',
    paths.peerTlsCa(m),
  ]);
}

export async function commit(
  { tools, paths, topology: t, channel }: Pick<NetworkContext, 'tools' | 'paths' | 'topology' | 'channel'>,
  def: ChaincodeDefinition,
): Promise<void> {
  const m = t.malls[0];
  if (!m) throw new NetworkError('no mall organisation to commit with');
  const args = [
    'lifecycle',
    'chaincode',
    'commit',
    ...ordererArgs(paths, t),
    ...definitionArgs(def, channel),
    ...allPeersArgs(paths, t.malls),
  ];
  await run(tools.bin('peer'), args, { env: peerAdminEnv(tools, paths, m) });
}

export async function queryCommitted(
  { tools, paths, channel }: ChannelContext,
  m: MallOrg,
  name: string,
): Promise<Committed | undefined> {
  try {
    const { stdout } = await run(
      tools.bin('peer'),
      ['lifecycle', 'chaincode', 'querycommitted', '--channelID', channel, '--name', name, '-O', 'json'],
      {
        env: peerAdminEnv(tools, paths, m),
      },
    );
    return JSON.parse(stdout) as Committed;
  } catch (e) {
    if (/not found|does not exist|is not defined/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

/**
 * Submits `info:PutNote` with the peer CLI, endorsed by every mall's peer, and waits for the
 * commit: the proof that a definition serves requests. Retried for a minute because a
 * freshly committed definition or a restarted peer refuses the first proposals for a while.
 */
export async function putNoteEndorsedByAll(
  { tools, paths, topology: t, channel }: Pick<NetworkContext, 'tools' | 'paths' | 'topology' | 'channel'>,
  chaincode: string,
  note: { id: string; text: string },
): Promise<void> {
  const first = t.malls[0];
  if (!first) throw new NetworkError('no mall organisation to submit with');
  const args = [
    'chaincode',
    'invoke',
    ...ordererArgs(paths, t),
    '-C',
    channel,
    '-n',
    chaincode,
    ...allPeersArgs(paths, t.malls),
    '--waitForEvent',
    '-c',
    JSON.stringify({ function: 'info:PutNote', Args: [JSON.stringify(note)] }),
  ];
  await retry(() => run(tools.bin('peer'), args, { env: peerAdminEnv(tools, paths, first) }), 60_000, 2000);
}

/**
 * Mall `m`'s CCaaS package for a sequence: its own label and its own server's address (so its
 * own package ID). Only its peer installs it, so only its peer dials that server.
 */
export async function mallPackage(
  paths: NetworkPaths,
  portBase: number,
  m: MallOrg,
  want: { name: string; version: string; sequence: number },
): Promise<ChaincodeServer & { file: string }> {
  const label = `${want.name}_${want.version}_${want.sequence}_${m.name}`;
  const address = `127.0.0.1:${chaincodeServerPort(portBase, want.sequence, mallIndex(m))}`;
  const pkg = await packageChaincode(paths, label, address);
  return { mall: m.name, mspId: m.mspId, label, address, packageId: pkg.packageId, file: pkg.file };
}

/**
 * Runs the whole lifecycle for a definition: package (one per mall), start every mall's
 * server, install each mall's package on its own peer, approve for every organisation (each
 * with its own package ID: the definition is the same, the package is the org's own choice),
 * check readiness, commit. Each step is skipped when already done, so it is safe to repeat.
 */
export async function deploy(
  ctx: NetworkContext,
  want: { name: string; version: string; sequence: number; signaturePolicy?: string; codeDigest?: string },
): Promise<ChaincodeDefinition> {
  const { paths, topology: t, channel, progress } = ctx;
  const first = t.malls[0];
  if (!first) throw new NetworkError('no mall organisation to deploy with');
  const packages = [];
  for (const m of t.malls) packages.push(await mallPackage(paths, t.portBase, m, want));
  const servers: ChaincodeServer[] = packages.map(({ file: _file, ...server }) => server);
  const head = servers[0] ?? { label: '', address: '', packageId: '' };
  const def: ChaincodeDefinition = {
    ...want,
    label: head.label,
    address: head.address,
    packageId: head.packageId,
    servers,
  };
  progress(`chaincode ${want.name} ${want.version}, sequence ${want.sequence}: one server per mall`);
  await startServer(paths, def);
  for (const [i, m] of t.malls.entries()) {
    const pkg = packages[i];
    if (pkg && (await install(ctx, m, pkg)))
      progress(`installed ${pkg.packageId.slice(0, 48)}… on ${m.peer.host} (server ${pkg.address})`);
  }
  const approvals = await readiness(ctx, first, def);
  for (const m of t.malls) {
    if (approvals[m.mspId]) continue;
    await approve(ctx, m, def);
    progress(`approved by ${m.mspId}`);
  }
  const ready = await retry(async () => {
    const now = await readiness(ctx, first, def);
    const missing = Object.entries(now)
      .filter(([, ok]) => !ok)
      .map(([org]) => org);
    if (missing.length > 0) throw new NetworkError(`not approved yet by ${missing.join(', ')}`);
    return now;
  }, 20_000);
  progress(`commit readiness: ${Object.keys(ready).join(', ')} approved`);
  await commit(ctx, def);
  progress(`committed ${want.name} sequence ${want.sequence} on ${channel}`);
  writeDefinition(paths, def);
  return def;
}
