/**
 * What a committed chaincode is, as this tooling records it (chaincode.json under the network's home). Its own
 * module so that the lifecycle (chaincode.ts) and the chaincode server (chaincode-server.ts) both depend on it
 * instead of on each other.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkPaths } from './paths';

/** One mall's chaincode server: its own CCaaS package (hence package ID), dialled by its own peer only. */
export interface ChaincodeServer {
  /** The mall, e.g. `MallA`. */
  readonly mall: string;
  readonly mspId: string;
  readonly label: string;
  readonly address: string;
  readonly packageId: string;
}

export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /** The first mall's package (what network.json names); every mall's is in {@link servers}. */
  readonly packageId: string;
  readonly label: string;
  /** Where the first mall's chaincode server listens. */
  readonly address: string;
  /**
   * One server per mall. Absent in records of the tooling before per-mall servers: there one
   * server (label, address, packageId above) served every peer.
   */
  readonly servers?: readonly ChaincodeServer[];
  /** Signature policy given at approval, or undefined for the channel default (MAJORITY Endorsement). */
  readonly signaturePolicy?: string;
  /** Digest of the built chaincode the server runs ({@link sourceDigest} in chaincode-server.ts). */
  readonly codeDigest?: string;
}

export interface Committed {
  sequence: number;
  version: string;
  approvals?: Record<string, boolean>;
}

/** The servers of a definition; a record without {@link ChaincodeDefinition.servers} had one for every peer. */
export function serversOf(def: ChaincodeDefinition): readonly ChaincodeServer[] {
  return def.servers ?? [{ mall: '', mspId: '', label: def.label, address: def.address, packageId: def.packageId }];
}

/** The server (and package) of mall `mspId`, if the definition has one. */
export function serverOf(def: ChaincodeDefinition, mspId: string): ChaincodeServer | undefined {
  return def.servers ? def.servers.find((s) => s.mspId === mspId) : serversOf(def)[0];
}

/** Process (pid and log file) name of a server: `chaincode-<sequence>-<mall>`. */
export function serverProcessName(sequence: number, server: Pick<ChaincodeServer, 'mall'>): string {
  return server.mall ? `chaincode-${sequence}-${server.mall}` : `chaincode-${sequence}`;
}

/** Where the definition currently in use is recorded. */
export function definitionFile(paths: NetworkPaths): string {
  return join(paths.home, 'chaincode.json');
}

export function readDefinition(paths: NetworkPaths): ChaincodeDefinition | undefined {
  const file = definitionFile(paths);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ChaincodeDefinition) : undefined;
}

export function writeDefinition(paths: NetworkPaths, def: ChaincodeDefinition): void {
  writeFileSync(definitionFile(paths), `${JSON.stringify(def, null, 2)}\n`);
}
