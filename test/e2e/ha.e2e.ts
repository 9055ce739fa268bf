/**
 * The `ha` profile survives the loss of its Raft leader: three orderers on their own data
 * directory and port range; the leader is killed (SIGKILL), transactions keep committing
 * through the other two, and the restarted orderer catches up. The network is purged at the end.
 */
import { runningPid } from '../../fabric-network/src/processes';
import { metricsOf, eventually, ordererWorld, type OrdererWorld } from '../support/orderer-world';

async function leaderOf(operationsPorts: { name: string; port: number }[]): Promise<string[]> {
  const leaders: string[] = [];
  for (const { name, port } of operationsPorts) {
    try {
      const metrics = await metricsOf(port);
      if (/consensus_etcdraft_is_leader\{channel="mallchannel"\} 1/.test(metrics)) leaders.push(name);
    } catch {
      // a stopped orderer answers nothing
    }
  }
  return leaders;
}

describe('ha profile: three Raft orderers', () => {
  let w: OrdererWorld;

  beforeAll(async () => {
    w = await ordererWorld('ha', [47000, 47300, 47600, 48000], 'mallchain-ha-e2e-');
  });

  afterAll(() => w.close());

  const ops = (): { name: string; port: number }[] =>
    w.orderers().map((o) => ({ name: o.host, port: o.operationsPort }));

  it('has three consenters with one leader', async () => {
    expect(w.d.orderers.map((o) => o.name)).toEqual(['orderer0', 'orderer1', 'orderer2']);
    const leaders = await eventually('a leader election', async () => {
      const l = await leaderOf(ops());
      return l.length === 1 ? l : undefined;
    });
    expect(leaders).toHaveLength(1);
    expect(await w.putNote('before-crash')).toBeGreaterThan(0n);
  });

  it('keeps committing after the leader is killed, and the restarted orderer catches up', async () => {
    const [leader] = await leaderOf(ops());
    expect(leader).toBeDefined();
    w.kill(leader!);

    const newLeader = await eventually('a new leader among the survivors', async () => {
      const l = await leaderOf(ops().filter((o) => o.name !== leader));
      return l.length === 1 ? l[0] : undefined;
    });
    expect(newLeader).not.toBe(leader);
    const block = await eventually('a commit without the old leader', () => w.putNote('after-crash'));
    expect(block).toBeGreaterThan(0n);

    await w.network.up(); // restarts only what is not running
    expect(runningPid(w.network.paths.pid(leader!))).toBeDefined();
    const heights = await eventually('the restarted orderer catching up', async () => {
      const status = await w.network.status();
      const peerHeight = Object.values(status.heights)[0];
      const height = await w.height(ops().find((x) => x.name === leader)!.port);
      return height === peerHeight ? { height, peerHeight } : undefined;
    });
    expect(heights.height).toBe(heights.peerHeight);
  });
});
