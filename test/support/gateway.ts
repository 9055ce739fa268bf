/**
 * Gateway connections for tests, built from the network description (network.json) that
 * `mallchain up` writes. Tests talk to the real peers; nothing here is mocked.
 */
import * as grpc from '@grpc/grpc-js';
import { Gateway, Identity, Signer, connect, hash, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkDescription, NetworkPaths, settingsFromEnv } from '../../fabric-network/src';

export function loadDescription(): NetworkDescription {
  const paths = new NetworkPaths(settingsFromEnv().home);
  return JSON.parse(readFileSync(paths.description, 'utf8')) as NetworkDescription;
}

export function mspIdentity(mspId: string, mspDir: string): { identity: Identity; signer: Signer } {
  const certDir = join(mspDir, 'signcerts');
  const keyDir = join(mspDir, 'keystore');
  const certFile = readdirSync(certDir)[0];
  const keyFile = readdirSync(keyDir)[0];
  if (!certFile || !keyFile) throw new Error(`no certificate or key in ${mspDir}`);
  const credentials = readFileSync(join(certDir, certFile));
  const key = createPrivateKey(readFileSync(join(keyDir, keyFile)));
  return { identity: { mspId, credentials }, signer: signers.newPrivateKeySigner(key) };
}

export interface Connection {
  gateway: Gateway;
  client: grpc.Client;
  close(): void;
}

/** Connects to `peerOrg`'s peer as `identity`. */
export function connectTo(
  d: NetworkDescription,
  peerOrg: string,
  id: { identity: Identity; signer: Signer },
): Connection {
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

/** A mall's client user (User1), connected to its own peer. */
export function connectAsClient(d: NetworkDescription, mspId: string): Connection {
  const org = d.orgs[mspId];
  if (!org) throw new Error(`${mspId} is not in network.json`);
  return connectTo(d, mspId, mspIdentity(mspId, org.users.client));
}
