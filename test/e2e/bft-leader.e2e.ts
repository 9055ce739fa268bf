/**
 * The `bft` profile, leader stop: the current SmartBFT leader is found from the orderers' metrics
 * (`consensus_smartbft_view_leader_id`, the consenter ID of the leader of the current view; IDs are the orderer
 * index + 1, fabric-network/src/configtx.ts) and killed. The three others change view to a new leader and
 * transactions commit again; the old leader, restarted, catches up to the others' height and follows the new view.
 * On a network of the test's own, purged at the end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, NetworkDescription, NetworkSettings, networkSettings, topology } from '../../fabric-network/src';
import { runningPid } from '../../fabric-network/src/processes';
import { Connection, connectAsClient, loadDescription } from '../support/gateway';
import { freePortBase } from '../support/ports';

interface View {
  readonly leader: number;
  readonly view: number;
  readonly height: number;
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
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
    `${what} did not happen within ${String(timeoutMs / 1000)}s${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

function gauge(metrics: string, name: string, labels = ''): number | undefined {
  const m = new RegExp(`^${name}(?:\\{${labels}[^}]*\\})? (\\S+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : undefined;
}

describe('bft profile: the SmartBFT leader stopped', () => {
  let settings: NetworkSettings;
  let network: Network;
  let d: NetworkDescription;
  let mallA: Connection;

  beforeAll(async () => {
    const portBase = await freePortBase([36700, 56300, 56600, 57000]);
    settings = networkSettings({
      profile: 'bft',
      portBase,
      home: mkdtempSync(join(tmpdir(), 'mallchain-bft-leader-')),
    });
    network = new Network(settings, () => undefined);
    await network.up();
    d = loadDescription(settings.home);
    mallA = connectAsClient(d, 'MallAMSP');
  }, 600_000);

  afterAll(async () => {
    mallA.close();
    await network.down(true);
  }, 120_000);

  const orderers = (): { host: string; operationsPort: number }[] => [...topology('bft', settings.portBase).orderers];

  /** What one orderer reports: the leader of its current view, the view number and its channel height. */
  const viewOf = async (operationsPort: number): Promise<View> => {
    const metrics = await (await fetch(`http://127.0.0.1:${String(operationsPort)}/metrics`)).text();
    const leader = gauge(metrics, 'consensus_smartbft_view_leader_id');
    const view = gauge(metrics, 'consensus_smartbft_view_number');
    const height = gauge(metrics, 'ledger_blockchain_height', `channel="${d.channel}"`);
    if (leader === undefined || view === undefined || height === undefined)
      throw new Error(`orderer on :${String(operationsPort)} reports no SmartBFT view or height`);
    return { leader, view, height };
  };

  const putNote = async (id: string): Promise<bigint> => {
    const contract = mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    const submitted = await contract.submitAsync('PutNote', { arguments: [JSON.stringify({ id, text: id })] });
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`${id} committed with code ${String(status.code)}`);
    return status.blockNumber;
  };

  const getNote = async (id: string): Promise<string> => {
    const contract = mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    return (JSON.parse(Buffer.from(await contract.evaluateTransaction('GetNote', id)).toString()) as { id: string }).id;
  };

  it('changes view to a new leader, commits again, and the restarted old leader catches up', async () => {
    await putNote('leader-before');
    // Every orderer agrees on who leads (a fresh channel starts in view 0 with leader 1, but do not assume it).
    const views = await eventually('the four orderers agreeing on a leader', async () => {
      const vs = await Promise.all(orderers().map((o) => viewOf(o.operationsPort)));
      return new Set(vs.map((v) => `${String(v.leader)}/${String(v.view)}`)).size === 1 ? vs : undefined;
    });
    const before = views[0]!;
    const leader = orderers()[before.leader - 1];
    expect(leader).toBeDefined();
    const pid = runningPid(network.paths.pid(leader!.host));
    expect({ leader: leader!.host, running: pid !== undefined }).toEqual({ leader: leader!.host, running: true });
    process.kill(-pid!, 'SIGKILL');
    const stoppedAt = Date.now();

    // The followers forward the request to a dead leader, complain, and change view; then the submit commits.
    const survivors = orderers().filter((o) => o.host !== leader!.host);
    // Each attempt is a note of its own: an attempt the gateway gave up on may still be ordered later.
    let attempt = 0;
    const block = await eventually(
      'a commit after the leader stopped',
      () => putNote(`leader-stopped-1-${String(attempt++)}`),
      240_000,
    );
    const firstAfter = `leader-stopped-1-${String(attempt - 1)}`;
    const recoveredS = Math.round((Date.now() - stoppedAt) / 1000);
    expect(block).toBeGreaterThan(0n);
    const after = await eventually('the survivors in one new view', async () => {
      const vs = await Promise.all(survivors.map((o) => viewOf(o.operationsPort)));
      const same = new Set(vs.map((v) => `${String(v.leader)}/${String(v.view)}`)).size === 1;
      return same && vs[0]!.view > before.view ? vs[0] : undefined;
    });
    expect(after.leader).not.toBe(before.leader);
    process.stdout.write(
      `bft-leader: leader ${leader!.host} (ID ${String(before.leader)}, view ${String(before.view)}) killed; ` +
        `block ${String(block)} committed ${String(recoveredS)} s later ` +
        `(${String(attempt)} attempt(s)); new view ${String(after.view)}, leader ID ${String(after.leader)}\n`,
    );
    for (let i = 2; i <= 4; i++) expect(await putNote(`leader-stopped-${String(i)}`)).toBeGreaterThan(block);

    await network.up(); // restarts only the stopped orderer
    const caughtUp = await eventually('the old leader catching up', async () => {
      const [live, old] = [await viewOf(survivors[0]!.operationsPort), await viewOf(leader!.operationsPort)];
      return old.height === live.height ? old : undefined;
    });
    expect(caughtUp.height).toBeGreaterThan(Number(block));
    // It orders again with the others: a new transaction reaches every orderer, the old leader included.
    const last = await putNote('leader-back');
    await eventually('every orderer at the last block', async () => {
      const vs = await Promise.all(orderers().map((o) => viewOf(o.operationsPort)));
      return vs.every((v) => v.height === Number(last) + 1) ? vs : undefined;
    });
    for (const id of ['leader-before', firstAfter, 'leader-stopped-4', 'leader-back'])
      expect(await getNote(id)).toBe(id);
  }, 900_000);
});
