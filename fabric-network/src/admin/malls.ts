/**
 * Adding and removing a mall: the config change (an org definition with its anchor peer),
 * and what follows once the channel has it (start the peer, join, install, approve).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { approve, install, mallPackage } from '../chaincode';
import {
  ChaincodeDefinition,
  readDefinition,
  serverOf,
  serverProcessName,
  writeDefinition,
} from '../chaincode-definition';
import { startOneServer } from '../chaincode-server';
import { joinPeer, peerHeight } from '../channel';
import { mallOrgDefinition } from '../configtx';
import { ensureCrypto } from '../crypto';
import { describe, writeDescription } from '../description';
import { retry, run } from '../exec';
import { peerEnv } from '../nodes';
import { assertPortsFree, runningPid, startProcess, stopProcess, waitForPort } from '../processes';
import { readState, writeState } from '../settings';
import { MALL_LETTERS, MallOrg, Topology, mallOrg, topology } from '../topology';
import { ChannelConfig, ConfigGroup } from './config-types';
import { fetchConfig } from './configtxlator';
import { AdminContext, mallLetter, mallOf, onChannel, withScratch } from './context';
import { AdminError } from './errors';
import { alreadyApproved, approvedFor } from './lifecycle';

function application(config: ChannelConfig, channel: string): ConfigGroup {
  const app = config.channel_group.groups.Application;
  if (!app) throw new AdminError('NOT_FOUND', `channel ${channel} has no Application group`);
  return app;
}

/** The org's config group as configtxgen prints it, plus its anchor peer. */
export async function orgDefinition(ctx: AdminContext, m: MallOrg, mspDir?: string): Promise<ConfigGroup> {
  const org = { ...mallOrgDefinition(ctx.paths, m), ...(mspDir ? { MSPDir: mspDir } : {}) };
  const group = await withScratch(async (dir) => {
    writeFileSync(join(dir, 'configtx.yaml'), stringify({ Organizations: [org] }));
    const { stdout } = await run(ctx.tools.bin('configtxgen'), ['-configPath', dir, '-printOrg', m.mspId], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FABRIC_CFG_PATH: dir },
    });
    return JSON.parse(stdout) as ConfigGroup;
  });
  group.values.AnchorPeers = {
    mod_policy: 'Admins',
    value: { anchor_peers: [{ host: '127.0.0.1', port: m.peer.port }] },
    version: '0',
  };
  return group;
}

/** Topology of the network with `letters` as its malls. */
export function withMalls(ctx: AdminContext, letters: readonly string[]): Topology {
  const t = topology(ctx.settings.profile, ctx.settings.portBase);
  return {
    ...t,
    malls: letters.map((l) => mallOrg(l, MALL_LETTERS.indexOf(l as never), ctx.settings.portBase)),
  };
}

/** Config change that adds mall `name` (crypto made with cryptogen unless `mspDir` is given). */
export async function addMallChange(
  ctx: AdminContext,
  channel: string,
  name: string,
  mspDir?: string,
): Promise<{ mall: MallOrg; change: (c: ChannelConfig) => ChannelConfig }> {
  const m = mallOf(ctx, name);
  const { config } = await fetchConfig(ctx, channel);
  if (application(config, channel).groups[m.mspId])
    throw new AdminError('ALREADY_EXISTS', `${m.mspId} is already a member of channel ${channel}`);
  if (!mspDir) {
    const letters = [...new Set([...ctx.state.malls, mallLetter(name)])];
    if (await ensureCrypto(ctx.tools, ctx.paths, withMalls(ctx, letters)))
      ctx.progress(`generated ${m.mspId} crypto material with cryptogen extend`);
  }
  const group = await orgDefinition(ctx, m, mspDir);
  return {
    mall: m,
    change: (c) => {
      application(c, channel).groups[m.mspId] = group;
      return c;
    },
  };
}

/** Config change that removes mall `name`; the last mall cannot be removed. */
export async function removeMallChange(
  ctx: AdminContext,
  channel: string,
  name: string,
): Promise<{ mall: MallOrg; change: (c: ChannelConfig) => ChannelConfig }> {
  const m = mallOf(ctx, name);
  const { config } = await fetchConfig(ctx, channel);
  const app = application(config, channel);
  if (!app.groups[m.mspId]) throw new AdminError('NOT_FOUND', `${m.mspId} is not a member of channel ${channel}`);
  if (Object.keys(app.groups).length === 1)
    throw new AdminError('INVALID_INPUT', `${m.mspId} is the last mall of channel ${channel} and cannot be removed`);
  return {
    mall: m,
    change: (c) => {
      const groups = application(c, channel).groups;
      c.channel_group.groups.Application = {
        ...application(c, channel),
        groups: Object.fromEntries(Object.entries(groups).filter(([id]) => id !== m.mspId)),
      };
      return c;
    },
  };
}

function recordMalls(ctx: AdminContext, letters: string[]): Topology {
  const state = readState(ctx.paths) ?? ctx.state;
  state.malls = letters;
  writeState(ctx.paths, state);
  return withMalls(ctx, letters);
}

async function startPeer(ctx: AdminContext, m: MallOrg): Promise<void> {
  if (runningPid(ctx.paths.pid(m.peer.host)) === undefined) {
    await assertPortsFree([
      { port: m.peer.port, owner: m.peer.host },
      { port: m.peer.chaincodePort, owner: `${m.peer.host} chaincode` },
      { port: m.peer.operationsPort, owner: `${m.peer.host} operations` },
    ]);
  }
  mkdirSync(ctx.paths.peerData(m), { recursive: true });
  const r = startProcess({
    name: m.peer.host,
    command: ctx.tools.bin('peer'),
    args: ['node', 'start'],
    env: peerEnv(ctx.tools, ctx.paths, m),
    pidFile: ctx.paths.pid(m.peer.host),
    logFile: ctx.paths.log(m.peer.host),
  });
  if (r.started) ctx.progress(`started ${m.peer.host} (pid ${r.pid}) on 127.0.0.1:${m.peer.port}`);
  await waitForPort(m.peer.port, 30_000, m.peer.host, ctx.paths.log(m.peer.host));
}

/**
 * After the channel admitted mall `name`: records it, starts its peer, joins the channel,
 * and on the network's own channel installs the chaincode and approves the committed
 * definition for the new org (its peer cannot endorse before). Safe to repeat.
 */
export async function onboardMall(ctx: AdminContext, channel: string, name: string): Promise<MallOrg> {
  const m = mallOf(ctx, name);
  const { config, blockNumber } = await fetchConfig(ctx, channel);
  if (!application(config, channel).groups[m.mspId])
    throw new AdminError(
      'NOT_READY',
      `${m.mspId} is not a member of channel ${channel} yet: submit its proposal first`,
    );
  const t = recordMalls(ctx, [...new Set([...ctx.state.malls, mallLetter(name)])]);
  await startPeer(ctx, m);
  if (await joinPeer(onChannel(ctx, channel), m, ctx.paths.channelBlock(channel)))
    ctx.progress(`${m.peer.host} joined ${channel}`);
  await retry(async () => {
    const height = await peerHeight(onChannel(ctx, channel), m);
    if (height <= blockNumber) throw new AdminError('NOT_READY', `${m.peer.host} is at block ${height} of ${channel}`);
  }, 60_000);
  ctx.progress(`${m.peer.host} caught up with ${channel}`);
  let def = readDefinition(ctx.paths);
  if (channel === ctx.settings.channel && def) {
    // The new mall runs its own chaincode server, with its own package, like every other mall.
    const pkg = await mallPackage(ctx.paths, ctx.settings.portBase, m, def);
    const { file: _file, ...server } = pkg;
    def = withServer(def, server);
    writeDefinition(ctx.paths, def);
    await startOneServer(ctx.paths, def.sequence, server);
    if (await install(ctx, m, pkg)) ctx.progress(`installed ${pkg.label} on ${m.peer.host} (server ${pkg.address})`);
    // A mall onboarded before (a repeated onboard, or re-admitted after removal) still has its approval.
    const own = { sequence: def.sequence, packageId: pkg.packageId };
    if (alreadyApproved(await approvedFor(ctx, m, channel, def.name, def.sequence), own)) {
      ctx.progress(`${m.mspId} has already approved ${def.name} sequence ${def.sequence}`);
    } else {
      await approve(onChannel(ctx, channel, t), m, def);
      ctx.progress(`${m.mspId} approved ${def.name} sequence ${def.sequence}`);
    }
  }
  writeDescription(ctx.paths, describe(onChannel(ctx, ctx.settings.channel, t), def));
  return m;
}

/** `def` with `server` as its mall's server (replacing an earlier one of that mall). */
function withServer(def: ChaincodeDefinition, server: NonNullable<ReturnType<typeof serverOf>>): ChaincodeDefinition {
  const others = (def.servers ?? []).filter((s) => s.mspId !== server.mspId);
  return { ...def, servers: [...others, server] };
}

/** After the channel removed mall `name`: stops its peer and drops it from the network's record. */
export async function retireMall(ctx: AdminContext, name: string): Promise<MallOrg> {
  const m = mallOf(ctx, name);
  const t = recordMalls(
    ctx,
    ctx.state.malls.filter((l) => l !== mallLetter(name)),
  );
  if (await stopProcess(ctx.paths.pid(m.peer.host))) ctx.progress(`stopped ${m.peer.host}`);
  const def = readDefinition(ctx.paths);
  if (def?.servers) {
    const name = serverProcessName(def.sequence, { mall: m.name });
    if (await stopProcess(ctx.paths.pid(name))) ctx.progress(`stopped ${name}`);
    writeDefinition(ctx.paths, { ...def, servers: def.servers.filter((s) => s.mspId !== m.mspId) });
  }
  writeDescription(ctx.paths, describe(onChannel(ctx, ctx.settings.channel, t), readDefinition(ctx.paths)));
  return m;
}
