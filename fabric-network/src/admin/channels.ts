/** Channels: list with heights and members, readable config summary, creation from the profile. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { joinOrderer, joinPeer, ordererChannels, peerChannels, peerHeight } from '../channel';
import { channelProfile } from '../configtx';
import { retry, run } from '../exec';
import { ChannelConfig, ConfigGroup, FabricMspConfig } from './config-types';
import { certificateInfo } from './certificate';
import { fetchConfig } from './configtxlator';
import { AdminContext, memberMall, onChannel } from './context';
import { AdminError } from './errors';
import { evaluatePolicy } from './policy';
import { withMalls } from './malls';

export interface OrgSummary {
  readonly mspId: string;
  readonly section: 'Application' | 'Orderer';
  readonly rootCa: string;
  readonly nodeOUs: boolean;
  readonly anchorPeers: readonly string[];
  readonly revokedCertificates: number;
  readonly policies: Record<string, string>;
}

export interface ChannelSummary {
  readonly channel: string;
  readonly configSequence: number;
  readonly configBlock: number;
  readonly capabilities: Record<string, string[]>;
  readonly policies: Record<string, string>;
  readonly batch: { timeout: string; maxMessageCount: number; absoluteMaxBytes: number; preferredMaxBytes: number };
  readonly consensus: { type: string; consenters: string[] };
  readonly orgs: readonly OrgSummary[];
}

function rules(root: ConfigGroup, groupPath: string[], g: ConfigGroup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(g.policies).sort()) {
    const path = `/${[...groupPath, name].join('/')}`;
    try {
      out[name] = evaluatePolicy(root, path, []).rule;
    } catch {
      out[name] = `policy type ${String(g.policies[name]?.policy.type)} (not evaluated here)`;
    }
  }
  return out;
}

function orgSummary(root: ConfigGroup, section: 'Application' | 'Orderer', id: string, g: ConfigGroup): OrgSummary {
  const msp = (g.values.MSP?.value as { config: FabricMspConfig }).config;
  const root0 = msp.root_certs[0];
  const anchors = (g.values.AnchorPeers?.value as { anchor_peers?: { host: string; port: number }[] } | undefined)
    ?.anchor_peers;
  return {
    mspId: msp.name || id,
    section,
    rootCa: root0 ? certificateInfo(Buffer.from(root0, 'base64')).commonName : 'none',
    nodeOUs: msp.fabric_node_ous?.enable === true,
    anchorPeers: (anchors ?? []).map((a) => `${a.host}:${a.port}`),
    revokedCertificates: msp.revocation_list.length,
    policies: rules(root, ['Channel', section, id], g),
  };
}

function capabilities(g: ConfigGroup | undefined): string[] {
  return Object.keys((g?.values.Capabilities?.value as { capabilities?: object } | undefined)?.capabilities ?? {});
}

/** The readable form of a decoded channel config. */
export function summarizeConfig(channel: string, config: ChannelConfig, configBlock: number): ChannelSummary {
  const root = config.channel_group;
  const orderer = root.groups.Orderer;
  const app = root.groups.Application;
  if (!orderer || !app) throw new AdminError('NOT_FOUND', `channel ${channel} lacks an Orderer or Application group`);
  const size = orderer.values.BatchSize?.value as {
    max_message_count: number;
    absolute_max_bytes: number;
    preferred_max_bytes: number;
  };
  const consensus = orderer.values.ConsensusType?.value as {
    type: string;
    metadata?: { consenters?: { host: string; port: number }[] };
  };
  const policies: Record<string, string> = {};
  for (const [path, g] of [
    [['Channel'], root],
    [['Channel', 'Application'], app],
    [['Channel', 'Orderer'], orderer],
  ] as const) {
    for (const [name, rule] of Object.entries(rules(root, [...path], g))) policies[`/${path.join('/')}/${name}`] = rule;
  }
  return {
    channel,
    configSequence: Number(config.sequence),
    configBlock,
    capabilities: { channel: capabilities(root), application: capabilities(app), orderer: capabilities(orderer) },
    policies,
    batch: {
      timeout: (orderer.values.BatchTimeout?.value as { timeout: string }).timeout,
      maxMessageCount: size.max_message_count,
      absoluteMaxBytes: size.absolute_max_bytes,
      preferredMaxBytes: size.preferred_max_bytes,
    },
    consensus: {
      type: consensus.type,
      consenters: (consensus.metadata?.consenters ?? []).map((c) => `${c.host}:${c.port}`),
    },
    orgs: [
      ...Object.entries(app.groups).map(([id, g]) => orgSummary(root, 'Application', id, g)),
      ...Object.entries(orderer.groups).map(([id, g]) => orgSummary(root, 'Orderer', id, g)),
    ],
  };
}

export async function showChannel(ctx: AdminContext, channel: string): Promise<ChannelSummary> {
  const { config, blockNumber } = await fetchConfig(ctx, channel);
  return summarizeConfig(channel, config, blockNumber);
}

export interface ChannelListing {
  readonly channel: string;
  /** Block height per peer that joined the channel (of the peers this admin reached). */
  readonly heights: Record<string, number>;
  /**
   * Peers of the topology this admin could not ask (host → why): their channels or height are unknown, not zero.
   * A mall's middleware that cannot reach another mall's peer lists it here instead of failing the whole listing.
   */
  readonly unreachable: Record<string, string>;
  readonly members: readonly string[];
  readonly orderers: readonly string[];
}

/** The first line of a failure, bounded: why a peer could not be asked. */
function why(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 200);
}

/** Each mall's joined channels, or why its peer could not be asked. */
async function joinedChannels(ctx: AdminContext): Promise<Map<string, string[] | { unreachable: string }>> {
  const joined = new Map<string, string[] | { unreachable: string }>();
  for (const m of ctx.topology.malls) {
    try {
      joined.set(m.mspId, await peerChannels(ctx, m));
    } catch (e) {
      joined.set(m.mspId, { unreachable: why(e) });
    }
  }
  return joined;
}

/** Every channel any orderer of the network serves, with peers' heights (where reached) and the member orgs. */
export async function listChannels(ctx: AdminContext): Promise<ChannelListing[]> {
  const names = new Set<string>();
  for (const o of ctx.topology.orderers) for (const c of await ordererChannels(ctx, o)) names.add(c);
  const joined = await joinedChannels(ctx);
  const out: ChannelListing[] = [];
  for (const channel of [...names].sort()) {
    const heights: Record<string, number> = {};
    const unreachable: Record<string, string> = {};
    for (const m of ctx.topology.malls) {
      const j = joined.get(m.mspId) ?? [];
      if (!Array.isArray(j)) unreachable[m.peer.host] = j.unreachable;
      else if (j.includes(channel))
        await peerHeight(onChannel(ctx, channel), m).then(
          (h) => (heights[m.peer.host] = h),
          (e: unknown) => (unreachable[m.peer.host] = why(e)),
        );
    }
    const summary = await showChannel(ctx, channel);
    out.push({
      channel,
      heights,
      unreachable,
      members: summary.orgs.filter((o) => o.section === 'Application').map((o) => o.mspId),
      orderers: summary.consensus.consenters,
    });
  }
  return out;
}

const CHANNEL_PATTERN = /^[a-z][a-z0-9.-]{0,48}$/;

/** Creates channel `name` with the standard profile for `malls`, joins every orderer and those malls' peers. */
export async function createChannel(
  ctx: AdminContext,
  name: string,
  malls: readonly string[],
): Promise<ChannelSummary> {
  if (!CHANNEL_PATTERN.test(name))
    throw new AdminError(
      'INVALID_INPUT',
      `${name} is not a valid channel name (lower case letters, digits, dots and dashes, starting with a letter)`,
    );
  if (malls.length === 0) throw new AdminError('INVALID_INPUT', 'name at least one mall to join the new channel');
  const members = malls.map((x) => memberMall(ctx, x));
  for (const o of ctx.topology.orderers) {
    if ((await ordererChannels(ctx, o)).includes(name))
      throw new AdminError('ALREADY_EXISTS', `channel ${name} already exists on ${o.name}`);
  }
  const t = withMalls(
    ctx,
    ctx.state.malls.filter((l) => members.some((m) => m.name === `Mall${l}`)),
  );
  const dir = join(ctx.paths.config, `configtx-${name}`);
  mkdirSync(dir, { recursive: true });
  mkdirSync(ctx.paths.artifacts, { recursive: true });
  writeFileSync(
    join(dir, 'configtx.yaml'),
    stringify({ Profiles: { Channel: channelProfile(ctx.tools, ctx.paths, t) } }),
  );
  const block = ctx.paths.channelBlock(name);
  await run(
    ctx.tools.bin('configtxgen'),
    ['-configPath', dir, '-profile', 'Channel', '-outputBlock', block, '-channelID', name],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FABRIC_CFG_PATH: dir },
    },
  );
  ctx.progress(`created the genesis block of ${name} for ${members.map((m) => m.mspId).join(', ')}`);
  for (const o of t.orderers)
    if (await joinOrderer(onChannel(ctx, name), o, block)) ctx.progress(`${o.name} joined ${name}`);
  for (const m of members)
    if (await joinPeer(onChannel(ctx, name), m, block)) ctx.progress(`${m.peer.host} joined ${name}`);
  // The new channel's raft group elects a leader first; until then the orderer refuses deliveries.
  return retry(() => showChannel(ctx, name), 30_000, 1000);
}
