import { ChannelContext, NodeContext } from './context';
import { run, retry } from './exec';
import { peerAdminEnv } from './nodes';
import { NetworkPaths } from './paths';
import { MallOrg, OrdererNode } from './topology';

function osnadminTls(paths: NetworkPaths): string[] {
  const admin = paths.ordererAdminTls();
  return ['--ca-file', paths.ordererTlsCa(), '--client-cert', admin.cert, '--client-key', admin.key];
}

/** Channels an orderer is a member of (channel participation API). */
export async function ordererChannels({ tools, paths }: NodeContext, o: OrdererNode): Promise<string[]> {
  const { stdout } = await run(tools.bin('osnadmin'), [
    'channel',
    'list',
    '-o',
    `127.0.0.1:${o.adminPort}`,
    ...osnadminTls(paths),
  ]);
  const body = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { channels: { name: string }[] | null };
  return (body.channels ?? []).map((c) => c.name);
}

/** Joins an orderer to a channel with its genesis (or latest config) block, unless it is a member. */
export async function joinOrderer(ctx: ChannelContext, o: OrdererNode, block: string): Promise<boolean> {
  const { tools, paths, channel } = ctx;
  const channels = await retry(() => ordererChannels(ctx, o), 20_000);
  if (channels.includes(channel)) return false;
  await run(tools.bin('osnadmin'), [
    'channel',
    'join',
    '--channelID',
    channel,
    '--config-block',
    block,
    '-o',
    `127.0.0.1:${o.adminPort}`,
    ...osnadminTls(paths),
  ]);
  return true;
}

export async function peerChannels({ tools, paths }: NodeContext, m: MallOrg): Promise<string[]> {
  const { stdout } = await run(tools.bin('peer'), ['channel', 'list'], { env: peerAdminEnv(tools, paths, m) });
  const lines = stdout.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('Channels peers has joined'));
  return start < 0 ? [] : lines.slice(start + 1).filter(Boolean);
}

/** Joins a mall's peer to a channel, unless it already is a member. */
export async function joinPeer(ctx: ChannelContext, m: MallOrg, block: string): Promise<boolean> {
  const { tools, paths, channel } = ctx;
  const channels = await retry(() => peerChannels(ctx, m), 20_000);
  if (channels.includes(channel)) return false;
  await retry(
    () => run(tools.bin('peer'), ['channel', 'join', '-b', block], { env: peerAdminEnv(tools, paths, m) }),
    20_000,
    1000,
  );
  return true;
}

/** Block height of a channel as seen by a peer. */
export async function peerHeight({ tools, paths, channel }: ChannelContext, m: MallOrg): Promise<number> {
  const { stdout } = await run(tools.bin('peer'), ['channel', 'getinfo', '-c', channel], {
    env: peerAdminEnv(tools, paths, m),
  });
  const json = stdout.slice(stdout.indexOf('{'));
  return (JSON.parse(json) as { height: number }).height;
}
