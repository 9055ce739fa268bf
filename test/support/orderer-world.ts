import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { Network, NetworkDescription, NetworkSettings, networkSettings, topology } from '../../fabric-network/src';
import { runningPid } from '../../fabric-network/src/processes';
import { Connection, connectAsClient, loadDescription } from './gateway';
import { freePortBase } from './ports';

/**
 * A network of the test's own with several orderers (the `ha` Raft or the `bft` SmartBFT profile), for tests that
 * stop and restart orderers, and Mall A's client on it.
 */
export interface OrdererWorld {
  readonly settings: NetworkSettings;
  readonly network: Network;
  readonly d: NetworkDescription;
  readonly mallA: Connection;
  /** The profile's orderers, in order: host name and operations (metrics) port. */
  orderers(): { host: string; operationsPort: number }[];
  /** Mall A's client of a contract of the mallchain chaincode (or of a system chaincode such as `qscc`). */
  contract(chaincode?: string, name?: string): Contract;
  /** Puts a note through Mall A and waits for its commit: the block it is in. */
  putNote(id: string): Promise<bigint>;
  /** The ID of the note stored under `id` (read through Mall A's peer). */
  getNote(id: string): Promise<string>;
  /** A node's channel height from its metrics (`-1` when it reports none). */
  height(operationsPort: number): Promise<number>;
  /** SIGKILLs a host's process group; the host must be running. */
  kill(host: string): void;
  /** Closes the client and purges the network. */
  close(): Promise<void>;
}

/** Polls `fn` every 500 ms until it answers something; else fails naming `what` and the last error. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
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

/** A node's Prometheus metrics text. */
export async function metricsOf(operationsPort: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${String(operationsPort)}/metrics`)).text();
}

/** Brings up a `profile` network on the first free base of `portBases`, in a fresh home named after `homePrefix`. */
export async function ordererWorld(
  profile: 'ha' | 'bft',
  portBases: readonly number[],
  homePrefix: string,
): Promise<OrdererWorld> {
  const portBase = await freePortBase(portBases);
  const settings = networkSettings({ profile, portBase, home: mkdtempSync(join(tmpdir(), homePrefix)) });
  const network = new Network(settings, () => undefined);
  await network.up();
  const d = loadDescription(settings.home);
  const mallA = connectAsClient(d, 'MallAMSP');
  const contract = (chaincode = 'mallchain', name?: string): Contract =>
    mallA.gateway.getNetwork(d.channel).getContract(chaincode, name);
  return {
    settings,
    network,
    d,
    mallA,
    orderers: () => [...topology(profile, settings.portBase).orderers],
    contract,
    async putNote(id) {
      const submitted = await contract('mallchain', 'info').submitAsync('PutNote', {
        arguments: [JSON.stringify({ id, text: id })],
      });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`${id} committed with code ${String(status.code)}`);
      return status.blockNumber;
    },
    async getNote(id) {
      const raw = await contract('mallchain', 'info').evaluateTransaction('GetNote', id);
      return (JSON.parse(Buffer.from(raw).toString()) as { id: string }).id;
    },
    async height(operationsPort) {
      const metrics = await metricsOf(operationsPort);
      return Number(new RegExp(`ledger_blockchain_height\\{channel="${d.channel}"\\} (\\d+)`).exec(metrics)?.[1] ?? -1);
    },
    kill(host) {
      const pid = runningPid(network.paths.pid(host));
      expect({ host, running: pid !== undefined }).toEqual({ host, running: true });
      process.kill(-pid!, 'SIGKILL');
    },
    async close() {
      mallA.close();
      await network.down(true);
    },
  };
}
