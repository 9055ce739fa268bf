/**
 * A district of real malls for the jointstats e2e and benchmark: a network of its own (Mall A and B at start, more
 * admitted by a majority of admins), per mall a migrated Postgres with Huina traffic, an admin ledger connection and
 * the participation job (`RoundParticipant`, what the middleware's `JointStatsJob` runs).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, type Network as GatewayNetwork } from '@hyperledger/fabric-gateway';
import { DataSource } from 'typeorm';
import { ConsortiumAdmin } from '../../../../fabric-network/src/admin';
import type { NetworkDescription } from '../../../../fabric-network/src/description';
import { Network } from '../../../../fabric-network/src/network';
import { portIsFree } from '../../../../fabric-network/src/processes';
import { networkSettings } from '../../../../fabric-network/src/settings';
import { dataSourceOptions } from '../../../src/database/data-source-options';
import { HuinaInputSource } from '../../../src/jointstats/input-vector';
import { RoundParticipant, type StepOutcome } from '../../../src/jointstats/participant';
import { PgParticipationStore } from '../../../src/jointstats/participation.store';
import { JointStatsLedger } from '../../../src/ledger/domain/jointstats.ledger';
import { newFastSigner } from '../../../src/ledger/fast-signer';
import { createLedger } from '../../../src/ledger/ledger.factory';
import type { LedgerPort } from '../../../src/ledger/ledger.port';
import { loadMspIdentity } from '../../../src/ledger/msp-identity';
import { createTestDatabase, type TestDatabase } from '../../support/test-db';

/** 00:00 Asia/Shanghai, 1 March 2026: bucket 0 of every round here. */
export const DAY = '2026-02-28T16:00:00.000Z';

export interface Mall {
  readonly msp: string;
  readonly db: TestDatabase;
  readonly ds: DataSource;
  readonly port: LedgerPort;
  readonly ledger: JointStatsLedger;
  readonly store: PgParticipationStore;
  readonly participant: RoundParticipant;
  /** The per-bucket inNum sums this mall's Huina data hold: its plain input for `visitors`. */
  readonly input: number[];
  /** The per-bucket outNum sums: its plain input for `visitorsOut`. */
  readonly output: number[];
}

async function freePortBase(candidates: readonly number[]): Promise<number> {
  for (const base of candidates) {
    let free = true;
    for (let p = base + 50; p <= base + 260 && free; p++) free = await portIsFree(p);
    if (free) return base;
  }
  throw new Error(`no free port range among bases ${candidates.join(', ')}`);
}

/** Starts a network of its own on the first free base and admits `extra` malls (letters: C, D, …). */
export async function startDistrict(
  portBases: readonly number[],
  extra: readonly string[],
  progress: (m: string) => void,
): Promise<Network> {
  const home = mkdtempSync(join(tmpdir(), 'mw-jointstats-'));
  const network = new Network(networkSettings({ home, portBase: await freePortBase(portBases) }), progress);
  await network.up();
  const admin = new ConsortiumAdmin({ settings: network.settings, progress, actor: 'jointstats' });
  const members = ['MallAMSP', 'MallBMSP'];
  for (const letter of extra) {
    let p = await admin.proposeAddMall(`Mall${letter}`);
    const needed = Math.floor(members.length / 2) + 1;
    for (const signer of members.slice(0, needed)) p = await admin.signProposal(p, signer);
    await admin.submitProposal(p, 'MallAMSP');
    members.push(`Mall${letter}MSP`);
  }
  return network;
}

export function description(network: Network): NetworkDescription {
  return JSON.parse(readFileSync(network.paths.description, 'utf8')) as NetworkDescription;
}

/** Distinct 7-digit figures per mall and bucket. */
export function figures(i: number, buckets: number): number[] {
  return Array.from({ length: buckets }, (_, h) => 1_000_000 + i * 211_111 + h * 7_919 + (h % 5) * 101);
}

/** Distinct 6-digit outNum figures per mall and bucket (never equal to an inNum figure of `figures`). */
export function outFigures(i: number, buckets: number): number[] {
  return Array.from({ length: buckets }, (_, h) => 600_000 + i * 97_003 + h * 4_001 + (h % 3) * 37);
}

async function seedTraffic(
  ds: DataSource,
  msp: string,
  input: readonly number[],
  output: readonly number[],
  minutes: number,
): Promise<void> {
  const mall = `mall-${msp}`;
  await ds.query(
    `INSERT INTO huina_sites (site_key, site_name, site_type, parent_site_key) VALUES ($1, 'Mall', 300, NULL)
     ON CONFLICT DO NOTHING`,
    [mall],
  );
  await ds.query(
    `INSERT INTO huina_traffic_buckets (site_key, data_time, interval_min, interval, in_num, out_num, modify_time, app_id)
     SELECT $1, $2::timestamptz + make_interval(mins => ((i - 1) * $3::int)::int), $3::int, $4, v, o, now(), 'huina-e2e'
     FROM unnest($5::int[], $6::int[]) WITH ORDINALITY AS u(v, o, i)`,
    [mall, DAY, minutes, minutes === 60 ? 'H' : String(minutes), input, input.map((_, h) => output[h] ?? 0)],
  );
}

/** Mall `i` of the district: a fresh migrated database with `input` as its Huina traffic, its admin connection. */
export async function openMall(
  network: Network,
  msp: string,
  input: readonly number[],
  key: string,
  minutes = 60,
  output: readonly number[] = input.map(() => 0),
): Promise<Mall> {
  const d = description(network);
  const db = await createTestDatabase();
  const ds = new DataSource(dataSourceOptions(db.url, 4));
  try {
    await ds.initialize();
    await ds.runMigrations();
    await seedTraffic(ds, msp, input, output, minutes);
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    await db.drop();
    throw e;
  }
  const port = await createLedger({
    driver: 'gateway',
    networkFile: network.paths.description,
    mspId: msp,
    user: 'admin',
    preferredPeer: d.orgs[msp]?.peers[0]?.address,
    channel: d.channel,
    chaincode: d.chaincode?.name,
  });
  const ledger = new JointStatsLedger(port);
  const store = new PgParticipationStore(ds);
  const participant = new RoundParticipant(msp, ledger, store, new HuinaInputSource(ds), key);
  // A newly admitted mall's peer needs a moment for discovery: retry its first read.
  for (let i = 0; i < 30; i++) {
    try {
      await ledger.list();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  return { msp, db, ds, port, ledger, store, participant, input: [...input], output: [...output] };
}

export async function closeMalls(malls: readonly Mall[]): Promise<void> {
  for (const m of malls) {
    m.port.close();
    await m.ds.destroy().catch(() => undefined);
    await m.db.drop().catch(() => undefined);
  }
}

/** Steps every mall not in `stopped` until none is active; `after` runs after each tick (it may stop malls). */
export async function drive(
  malls: readonly Mall[],
  roundId: string,
  log: string[],
  stopped = new Set<string>(),
  after?: () => Promise<void>,
): Promise<void> {
  for (let tick = 0; tick < 40; tick++) {
    let active = 0;
    for (const m of malls) {
      if (stopped.has(m.msp)) continue;
      const p = await m.store.get(roundId);
      if (p?.state !== 'active') continue;
      active++;
      const outcome: StepOutcome = await m.participant.step(p);
      log.push(`${roundId} ${m.msp}: ${outcome}`);
    }
    await after?.();
    if (active === 0) return;
  }
  throw new Error(`round ${roundId} did not end:\n${log.slice(-12).join('\n')}`);
}

/** Height of the channel (qscc GetChainInfo: field 1 of BlockchainInfo). */
async function chainHeight(net: GatewayNetwork): Promise<number> {
  const info = await net.getContract('qscc').evaluateTransaction('GetChainInfo', net.getName());
  let height = 0;
  let shift = 0;
  for (let i = 1; i < info.length; i++) {
    const b = info[i] ?? 0;
    height |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return height;
}

/** Runs `fn` on the channel through Mall A's gateway (client identity), then closes the connection. */
async function withChannel<T>(network: Network, fn: (net: GatewayNetwork) => Promise<T>): Promise<T> {
  const d = description(network);
  const org = d.orgs.MallAMSP;
  const peer = org?.peers[0];
  if (!org || !peer) throw new Error('no Mall A peer');
  const client = new grpc.Client(peer.address, grpc.credentials.createSsl(readFileSync(peer.tlsCACert)), {
    'grpc.ssl_target_name_override': peer.host,
  });
  const id = await loadMspIdentity('MallAMSP', org.users.client);
  const { signer, hash } = newFastSigner(id.privateKey);
  const gateway = connect({ client, identity: { mspId: id.mspId, credentials: id.credentials }, signer, hash });
  try {
    return await fn(gateway.getNetwork(d.channel));
  } finally {
    gateway.close();
    client.close();
  }
}

export function heightOf(network: Network): Promise<number> {
  return withChannel(network, chainHeight);
}

/** The channel's blocks from `from` to the current height, raw (serialized protobuf). */
export function ledgerBlocks(network: Network, from = 0): Promise<Buffer[]> {
  return withChannel(network, async (net) => {
    const height = await chainHeight(net);
    const blocks: Buffer[] = [];
    if (height <= from) return blocks;
    const events = await net.getBlockEvents({ startBlock: BigInt(from) });
    try {
      for await (const block of events) {
        blocks.push(Buffer.from(block.serializeBinary()));
        if (from + blocks.length >= height) break;
      }
    } finally {
      events.close();
    }
    return blocks;
  });
}
