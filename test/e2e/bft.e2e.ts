/**
 * The `bft` profile: four SmartBFT orderers (f = 1) on a network of the test's own. With one orderer stopped,
 * transactions keep committing and the stopped one catches up when restarted; with a second one stopped, ordering
 * halts: the gateway refuses the submit (no quorum of orderers accepted it), no block is cut, and once both are
 * back that transaction reaches the ledger (ordered from the surviving orderers' pools, or resubmitted with the
 * same ID), and everything accepted before is on the ledger.
 * The network is purged at the end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, NetworkDescription, NetworkSettings, networkSettings, topology } from '../../fabric-network/src';
import { runningPid } from '../../fabric-network/src/processes';
import { Connection, connectAsClient, loadDescription } from '../support/gateway';
import { freePortBase } from '../support/ports';

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
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

describe('bft profile: four SmartBFT orderers', () => {
  let settings: NetworkSettings;
  let network: Network;
  let d: NetworkDescription;
  let mallA: Connection;
  const notes: string[] = [];

  beforeAll(async () => {
    const portBase = await freePortBase([55000, 55300, 55600, 56000]);
    settings = networkSettings({ profile: 'bft', portBase, home: mkdtempSync(join(tmpdir(), 'mallchain-bft-e2e-')) });
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
  const contract = (): ReturnType<ReturnType<Connection['gateway']['getNetwork']>['getContract']> =>
    mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');

  const qscc = (): ReturnType<ReturnType<Connection['gateway']['getNetwork']>['getContract']> =>
    mallA.gateway.getNetwork(d.channel).getContract('qscc');

  const putNote = async (id: string): Promise<bigint> => {
    const submitted = await contract().submitAsync('PutNote', { arguments: [JSON.stringify({ id, text: id })] });
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`${id} committed with code ${String(status.code)}`);
    notes.push(id);
    return status.blockNumber;
  };

  const height = async (operationsPort: number): Promise<number> => {
    const metrics = await (await fetch(`http://127.0.0.1:${String(operationsPort)}/metrics`)).text();
    return Number(new RegExp(`ledger_blockchain_height\\{channel="${d.channel}"\\} (\\d+)`).exec(metrics)?.[1] ?? -1);
  };

  const kill = (host: string): void => {
    const pid = runningPid(network.paths.pid(host));
    expect({ host, running: pid !== undefined }).toEqual({ host, running: true });
    process.kill(-pid!, 'SIGKILL');
  };

  it('orders with four consenters, every one at the same height', async () => {
    expect(d.orderers.map((o) => o.name)).toEqual(['orderer0', 'orderer1', 'orderer2', 'orderer3']);
    const block = await putNote('bft-first');
    const heights = await eventually('every orderer at the block', async () => {
      const hs = await Promise.all(orderers().map((o) => height(o.operationsPort)));
      return hs.every((h) => h === Number(block) + 1) ? hs : undefined;
    });
    expect(new Set(heights).size).toBe(1);
  });

  it('keeps committing with one orderer stopped, and the stopped one catches up', async () => {
    const stopped = orderers()[3]!;
    kill(stopped.host);
    for (let i = 0; i < 3; i++) expect(await putNote(`bft-one-down-${String(i)}`)).toBeGreaterThan(0n);

    await network.up(); // restarts only what is not running
    const live = orderers()[0]!;
    const caughtUp = await eventually('the restarted orderer catching up', async () => {
      const [want, got] = [await height(live.operationsPort), await height(stopped.operationsPort)];
      return got === want ? got : undefined;
    });
    expect(caughtUp).toBeGreaterThan(3);
  });

  it('halts with two orderers stopped, refuses the submit, and commits that same transaction once they are back', async () => {
    const [first, , third, fourth] = orderers();
    const before = await height(first!.operationsPort);
    kill(third!.host);
    kill(fourth!.host);

    const id = 'bft-two-down';
    const tx = await contract()
      .newProposal('PutNote', { arguments: [JSON.stringify({ id, text: id })] })
      .endorse();
    const refused = await tx.submit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('SubmitError');
    expect((refused as Error).message).toMatch(/quorum|UNAVAILABLE|DEADLINE/i);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await height(first!.operationsPort)).toBe(before);

    await network.up();
    // The two orderers that kept running hold the request in their pools: once a quorum is back it may be ordered
    // without a resubmit (the orderers then refuse the copy); otherwise the same transaction (same ID) is submitted
    // again. Either way it ends on the ledger, valid.
    const onLedger = async (): Promise<boolean> => {
      try {
        await qscc().evaluateTransaction('GetTransactionByID', d.channel, tx.getTransactionId());
        return true;
      } catch {
        return false;
      }
    };
    const how = await eventually('the refused transaction on the ledger', async () => {
      if (await onLedger()) return 'ordered from the pools';
      const status = await (await tx.submit()).getStatus();
      return status.successful ? 'resubmitted' : undefined;
    });
    expect(['ordered from the pools', 'resubmitted']).toContain(how);
    notes.push(id);

    // Nothing accepted is lost, and the transaction that was refused then resubmitted is on the ledger once.
    for (const note of notes) {
      const stored = JSON.parse(Buffer.from(await contract().evaluateTransaction('GetNote', note)).toString()) as {
        id: string;
      };
      expect(stored.id).toBe(note);
    }
    expect(await onLedger()).toBe(true);
  }, 300_000);
});
