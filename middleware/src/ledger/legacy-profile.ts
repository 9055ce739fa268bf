import { readFile } from 'node:fs/promises';
import type { LedgerConnection, PeerEndpointConfig } from './network-description';

/** A common connection profile (the legacy SDK's format) for one channel, discovery off, all on 127.0.0.1. */
export interface ConnectionProfile {
  readonly name: string;
  readonly version: string;
  readonly client: { readonly organization: string };
  readonly organizations: Record<string, { mspid: string; peers: string[] }>;
  readonly peers: Record<string, NodeProfile>;
  readonly orderers: Record<string, NodeProfile>;
  readonly channels: Record<string, { orderers: string[]; peers: Record<string, PeerRoles> }>;
}

interface NodeProfile {
  url: string;
  tlsCACerts: { pem: string };
  grpcOptions: Record<string, string | number>;
}

interface PeerRoles {
  endorsingPeer: boolean;
  chaincodeQuery: boolean;
  ledgerQuery: boolean;
  eventSource: boolean;
}

async function nodeProfile(n: PeerEndpointConfig): Promise<NodeProfile> {
  return {
    url: `grpcs://${n.address}`,
    tlsCACerts: { pem: await readFile(n.tlsCACertPath, 'utf8') },
    grpcOptions: { 'ssl-target-name-override': n.hostOverride, hostnameOverride: n.hostOverride },
  };
}

/**
 * Build the profile from the network description. Every org's peers endorse (without discovery the SDK cannot
 * work out the endorsement policy, so it asks all of them); only this org's peers serve queries and events.
 */
export async function buildConnectionProfile(c: LedgerConnection): Promise<ConnectionProfile> {
  const organizations: ConnectionProfile['organizations'] = {};
  const peers: ConnectionProfile['peers'] = {};
  const channelPeers: Record<string, PeerRoles> = {};
  for (const p of c.channelPeers) {
    peers[p.hostOverride] = await nodeProfile(p);
    const org = (organizations[p.mspId] ??= { mspid: p.mspId, peers: [] });
    org.peers.push(p.hostOverride);
    const own = p.mspId === c.mspId;
    channelPeers[p.hostOverride] = { endorsingPeer: true, chaincodeQuery: own, ledgerQuery: own, eventSource: own };
  }
  const orderers: ConnectionProfile['orderers'] = {};
  for (const o of c.orderers) orderers[o.hostOverride] = await nodeProfile(o);
  return {
    name: `mallchain-${c.channel}`,
    version: '1.0.0',
    client: { organization: c.mspId },
    organizations,
    peers,
    orderers,
    channels: { [c.channel]: { orderers: Object.keys(orderers), peers: channelPeers } },
  };
}
