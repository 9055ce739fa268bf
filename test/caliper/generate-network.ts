/**
 * Caliper's network configuration (v2, peer-gateway connector) generated from the running network's
 * `network.json`: one organisation per mall with its client and admin identities and a connection profile naming
 * its peer. `node -r ../bench/ts-register.js generate-network.ts <network.json> <out-dir>`.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NetworkDescription, OrgDescription } from '../../fabric-network/src/description';

function identity(name: string, mspDir: string): Record<string, unknown> {
  const certDir = join(mspDir, 'signcerts');
  const cert = readdirSync(certDir).find((f) => f.endsWith('.pem'));
  if (cert === undefined) throw new Error(`${certDir}: no certificate`);
  return {
    name,
    clientPrivateKey: { path: join(mspDir, 'keystore', 'priv_sk') },
    clientSignedCert: { path: join(certDir, cert) },
  };
}

function connectionProfile(org: OrgDescription): Record<string, unknown> {
  const peers = Object.fromEntries(
    org.peers.map((p) => [
      p.host,
      {
        url: `grpcs://${p.address}`,
        tlsCACerts: { path: p.tlsCACert },
        grpcOptions: { 'ssl-target-name-override': p.host, hostnameOverride: p.host },
      },
    ]),
  );
  return {
    name: `mallchain-${org.name}`,
    version: '1.0.0',
    client: { organization: org.name },
    organizations: { [org.name]: { mspid: org.mspId, peers: org.peers.map((p) => p.host) } },
    peers,
  };
}

/** Writes `networkconfig.json` and one connection profile per mall into `outDir`; returns the config's path. */
export function generate(networkFile: string, outDir: string): string {
  const d = JSON.parse(readFileSync(networkFile, 'utf8')) as NetworkDescription;
  if (d.chaincode === null) throw new Error(`${networkFile}: no chaincode committed`);
  mkdirSync(outDir, { recursive: true });
  const organizations = Object.values(d.orgs).map((org) => {
    const profile = join(outDir, `connection-${org.name}.json`);
    writeFileSync(profile, `${JSON.stringify(connectionProfile(org), null, 2)}\n`);
    return {
      mspid: org.mspId,
      identities: { certificates: [identity('User1', org.users.client), identity('Admin', org.users.admin)] },
      connectionProfile: { path: profile, discover: true },
    };
  });
  const config = {
    name: `mallchain-${d.profile}-${String(d.portBase)}`,
    version: '2.0.0',
    caliper: { blockchain: 'fabric' },
    channels: [{ channelName: d.channel, contracts: [{ id: d.chaincode.name }] }],
    organizations,
  };
  const file = join(outDir, 'networkconfig.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

if (require.main === module) {
  const [networkFile, outDir] = process.argv.slice(2);
  if (networkFile === undefined || outDir === undefined)
    throw new Error('usage: generate-network <network.json> <out-dir>');
  process.stdout.write(`${generate(resolve(networkFile), resolve(outDir))}\n`);
}
