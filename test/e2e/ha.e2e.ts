/**
 * The `ha` profile survives the loss of its Raft leader: three orderers on their own data
 * directory and port range; the leader is killed (SIGKILL), transactions keep committing
 * through the other two, and the restarted orderer catches up. The network is purged at the end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, NetworkDescription, NetworkSettings, networkSettings, topology } from '../../fabric-network/src';
import { runningPid } from '../../fabric-network/src/processes';
import { Connection, connectAsClient, loadDescription } from '../support/gateway';
import { freePortBase } from '../support/ports';

async function leaderOf(operationsPorts: { name: string; port: number }[]): Promise<string[]> {
  const leaders: string[] = [];
  for (const { name, port } of operationsPorts) {
    try {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (/consensus_etcdraft_is_leader\{channel="mallchannel"\} 1/.test(metrics)) leaders.push(name);
    } catch {
      // a stopped orderer answers nothing
    }
  }
  return leaders;
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs / 1000}s${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

describe('ha profile: three Raft orderers', () => {
  let settings: NetworkSettings;
  let network: Network;
  let d: NetworkDescription;
  let mallA: Connection;

  beforeAll(async () => {
    const portBase = await freePortBase([47000, 47300, 47600, 48000]);
    settings = networkSettings({ profile: 'ha', portBase, home: mkdtempSync(join(tmpdir(), 'mallchain-ha-e2e-')) });
    network = new Network(settings, () => undefined);
    await network.up();
    d = loadDescription(settings.home);
    mallA = connectAsClient(d, 'MallAMSP');
  });

  afterAll(async () => {
    mallA.close();
    await network.down(true);
  });

  const putNote = async (id: string): Promise<bigint> => {
    const contract = mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    const submitted = await contract.submitAsync('PutNote', { arguments: [JSON.stringify({ id, text: id })] });
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`${id} committed with code ${status.code}`);
    return status.blockNumber;
  };

  it('has three consenters with one leader', async () => {
    expect(d.orderers.map((o) => o.name)).toEqual(['orderer0', 'orderer1', 'orderer2']);
    const ops = topology('ha', settings.portBase).orderers.map((o) => ({ name: o.host, port: o.operationsPort }));
    const leaders = await eventually('a leader election', async () => {
      const l = await leaderOf(ops);
      return l.length === 1 ? l : undefined;
    });
    expect(leaders).toHaveLength(1);
    expect(await putNote('before-crash')).toBeGreaterThan(0n);
  });

  it('keeps committing after the leader is killed, and the restarted orderer catches up', async () => {
    const ops = topology('ha', settings.portBase).orderers.map((o) => ({ name: o.host, port: o.operationsPort }));
    const [leader] = await leaderOf(ops);
    expect(leader).toBeDefined();
    const pid = runningPid(network.paths.pid(leader!));
    expect(pid).toBeDefined();
    process.kill(-pid!, 'SIGKILL');

    const newLeader = await eventually('a new leader among the survivors', async () => {
      const l = await leaderOf(ops.filter((o) => o.name !== leader));
      return l.length === 1 ? l[0] : undefined;
    });
    expect(newLeader).not.toBe(leader);
    const block = await eventually('a commit without the old leader', () => putNote('after-crash'));
    expect(block).toBeGreaterThan(0n);

    await network.up(); // restarts only what is not running
    expect(runningPid(network.paths.pid(leader!))).toBeDefined();
    const heights = await eventually('the restarted orderer catching up', async () => {
      const status = await network.status();
      const peerHeight = Object.values(status.heights)[0];
      const o = ops.find((x) => x.name === leader)!;
      const metrics = await (await fetch(`http://127.0.0.1:${o.port}/metrics`)).text();
      const height = Number(/ledger_blockchain_height\{channel="mallchannel"\} (\d+)/.exec(metrics)?.[1] ?? -1);
      return height === peerHeight ? { height, peerHeight } : undefined;
    });
    expect(heights.height).toBe(heights.peerHeight);
  });
});
