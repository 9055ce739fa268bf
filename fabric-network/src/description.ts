import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaincodeDefinition } from './chaincode-definition';
import { NetworkContext } from './context';
import { NetworkPaths } from './paths';

/**
 * `network.json`: everything a client (middleware, tests, SDKs) needs to reach the network.
 * Paths are absolute. This is the contract between fabric-network and its users.
 */
export interface NetworkDescription {
  profile: string;
  portBase: number;
  fabricVersion: string;
  channel: string;
  chaincode: { name: string; version: string; sequence: number; packageId: string; server: string } | null;
  orderers: { name: string; host: string; address: string; adminAddress: string; tlsCACert: string }[];
  orgs: Record<string, OrgDescription>;
}

export interface OrgDescription {
  name: string;
  mspId: string;
  domain: string;
  peers: { name: string; host: string; address: string; operations: string; tlsCACert: string }[];
  /** MSP folders of the organisation's users (signcerts/, keystore/). */
  users: { admin: string; client: string };
}

export function describe(
  { tools, paths, topology: t, channel }: Pick<NetworkContext, 'tools' | 'paths' | 'topology' | 'channel'>,
  cc: ChaincodeDefinition | undefined,
): NetworkDescription {
  const fabricVersion = tools.version;
  const orgs: Record<string, OrgDescription> = {};
  for (const m of t.malls) {
    orgs[m.mspId] = {
      name: m.name,
      mspId: m.mspId,
      domain: m.domain,
      peers: [
        {
          name: m.peer.name,
          host: m.peer.host,
          address: `127.0.0.1:${m.peer.port}`,
          operations: `127.0.0.1:${m.peer.operationsPort}`,
          tlsCACert: paths.peerTlsCa(m),
        },
      ],
      users: { admin: paths.userMsp(m, 'Admin'), client: paths.userMsp(m, 'User1') },
    };
  }
  return {
    profile: t.profile,
    portBase: t.portBase,
    fabricVersion,
    channel,
    chaincode: cc
      ? { name: cc.name, version: cc.version, sequence: cc.sequence, packageId: cc.packageId, server: cc.address }
      : null,
    orderers: t.orderers.map((o) => ({
      name: o.name,
      host: o.host,
      address: `127.0.0.1:${o.port}`,
      adminAddress: `127.0.0.1:${o.adminPort}`,
      tlsCACert: paths.ordererTlsCa(),
    })),
    orgs,
  };
}

export function writeDescription(paths: NetworkPaths, d: NetworkDescription): void {
  writeFileSync(paths.description, `${JSON.stringify(d, null, 2)}\n`);
}

/** Signing material of a user MSP folder. */
export function userFiles(mspDir: string): { certDir: string; keyDir: string } {
  return { certDir: join(mspDir, 'signcerts'), keyDir: join(mspDir, 'keystore') };
}
