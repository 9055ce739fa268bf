/**
 * What a committed chaincode is, as this tooling records it (chaincode.json under the network's home). Its own
 * module so that the lifecycle (chaincode.ts) and the chaincode server (chaincode-server.ts) both depend on it
 * instead of on each other.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkPaths } from './paths';

export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageId: string;
  readonly label: string;
  /** Where the chaincode server for this package listens. */
  readonly address: string;
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
