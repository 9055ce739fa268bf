/** Protobuf ⇄ JSON through `configtxlator` (run as a subprocess, never as a server). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec';
import { ordererArgs } from '../nodes';
import { AdminContext, MspIdentity, cliEnv, orgAdmin, ORDERER_MSP, withScratch } from './context';
import { ChannelConfig, ConfigUpdate } from './config-types';
import { AdminError } from './errors';

export type ProtoType = 'common.Block' | 'common.Config' | 'common.ConfigUpdate' | 'common.Envelope';

export async function decode(ctx: AdminContext, type: ProtoType, bytes: Buffer): Promise<unknown> {
  return withScratch(async (dir) => {
    const file = join(dir, 'in.pb');
    const out = join(dir, 'out.json');
    writeFileSync(file, bytes);
    // configtxlator writes to /dev/stdout by default, which is not openable when stdout is a socket.
    await run(ctx.tools.bin('configtxlator'), ['proto_decode', '--input', file, '--type', type, '--output', out]);
    return JSON.parse(readFileSync(out, 'utf8')) as unknown;
  });
}

export async function encode(ctx: AdminContext, type: ProtoType, json: unknown): Promise<Buffer> {
  return withScratch(async (dir) => {
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.pb');
    writeFileSync(input, JSON.stringify(json));
    await run(ctx.tools.bin('configtxlator'), ['proto_encode', '--input', input, '--type', type, '--output', output]);
    return readFileSync(output);
  });
}

/** The config update that turns `original` into `updated`; refuses an update that changes nothing. */
export async function computeUpdate(
  ctx: AdminContext,
  channel: string,
  original: ChannelConfig,
  updated: ChannelConfig,
): Promise<ConfigUpdate> {
  const before = await encode(ctx, 'common.Config', original);
  const after = await encode(ctx, 'common.Config', updated);
  return withScratch(async (dir) => {
    writeFileSync(join(dir, 'a.pb'), before);
    writeFileSync(join(dir, 'b.pb'), after);
    const out = join(dir, 'update.pb');
    try {
      await run(ctx.tools.bin('configtxlator'), [
        'compute_update',
        '--channel_id',
        channel,
        '--original',
        join(dir, 'a.pb'),
        '--updated',
        join(dir, 'b.pb'),
        '--output',
        out,
      ]);
    } catch (e) {
      if (/no differences/i.test((e as Error).message))
        throw new AdminError('INVALID_INPUT', `the change leaves channel ${channel} as it is`, {}, { cause: e });
      throw e;
    }
    return (await decode(ctx, 'common.ConfigUpdate', readFileSync(out))) as ConfigUpdate;
  });
}

/** An unsigned config update envelope (HeaderType CONFIG_UPDATE = 2), protobuf-encoded. */
export async function updateEnvelope(ctx: AdminContext, channel: string, update: ConfigUpdate): Promise<Buffer> {
  return encode(ctx, 'common.Envelope', {
    payload: { header: { channel_header: { channel_id: channel, type: 2 } }, data: { config_update: update } },
  });
}

/** The channel's latest config block, fetched from the orderer (as the orderer org's admin by default). */
export async function fetchConfigBlock(ctx: AdminContext, channel: string, as?: MspIdentity): Promise<Buffer> {
  const id = as ?? orgAdmin(ctx, ORDERER_MSP);
  return withScratch(async (dir) => {
    const file = join(dir, 'config.block');
    try {
      await run(
        ctx.tools.bin('peer'),
        ['channel', 'fetch', 'config', file, '-c', channel, ...ordererArgs(ctx.paths, ctx.topology)],
        { env: cliEnv(ctx, id) },
      );
    } catch (e) {
      throw new AdminError(
        'NOT_FOUND',
        `cannot fetch the config of channel ${channel}`,
        { hint: (e as Error).message },
        { cause: e },
      );
    }
    return readFileSync(file);
  });
}

interface DecodedBlock {
  header: { number: string };
  data: { data: { payload: { data: { config: ChannelConfig } } }[] };
}

export async function fetchConfig(
  ctx: AdminContext,
  channel: string,
): Promise<{ config: ChannelConfig; blockNumber: number }> {
  const block = (await decode(ctx, 'common.Block', await fetchConfigBlock(ctx, channel))) as DecodedBlock;
  const config = block.data.data[0]?.payload.data.config;
  if (!config) throw new AdminError('NOT_FOUND', `the last config block of ${channel} holds no config`);
  return { config, blockNumber: Number(block.header.number) };
}
