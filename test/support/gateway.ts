/**
 * Gateway connections for tests, built from the network description (network.json) that
 * `mallchain up` writes. Tests talk to the real peers; nothing here is mocked.
 */
import * as grpc from '@grpc/grpc-js';
import { Gateway, connect, hash } from '@hyperledger/fabric-gateway';
import { readFileSync } from 'node:fs';
import {
  GatewayIdentity,
  NetworkDescription,
  NetworkPaths,
  mspIdentity,
  settingsFromEnv,
} from '../../fabric-network/src';

export { mspIdentity };

/** The organisation users that network.json names. */
export type Role = 'admin' | 'client';

/** network.json of the network in `home` (by default the one MALLCHAIN_* settings point at). */
export function loadDescription(home = settingsFromEnv().home): NetworkDescription {
  return JSON.parse(readFileSync(new NetworkPaths(home).description, 'utf8')) as NetworkDescription;
}

export interface Connection {
  gateway: Gateway;
  client: grpc.Client;
  close(): void;
}

/** Connects to `peerOrg`'s peer as `identity`. */
export function connectTo(d: NetworkDescription, peerOrg: string, id: GatewayIdentity): Connection {
  const peer = d.orgs[peerOrg]?.peers[0];
  if (!peer) throw new Error(`no peer for ${peerOrg} in network.json`);
  const tls = grpc.credentials.createSsl(readFileSync(peer.tlsCACert));
  const client = new grpc.Client(peer.address, tls, { 'grpc.ssl_target_name_override': peer.host });
  const gateway = connect({
    client,
    identity: id.identity,
    signer: id.signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    client,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** A mall's admin or client user (Admin / User1), connected to `peerOrg`'s peer (its own by default). */
export function connectAs(d: NetworkDescription, mspId: string, role: Role, peerOrg = mspId): Connection {
  const org = d.orgs[mspId];
  if (!org) throw new Error(`${mspId} is not in network.json`);
  return connectTo(d, peerOrg, mspIdentity(mspId, org.users[role]));
}

/** A mall's client user (User1), connected to its own peer. */
export function connectAsClient(d: NetworkDescription, mspId: string): Connection {
  return connectAs(d, mspId, 'client');
}
