import { readFileSync } from 'node:fs';
import type { NetworkFile } from '../../../src/ledger/network-description';

/** Environment of a middleware serving `mspId` on the network described by `networkFile`, with the real ledger. */
export function realEnv(
  networkFile: string,
  databaseUrl: string,
  opts: { mspId?: string; driver?: 'gateway' | 'legacy'; extra?: Record<string, string> } = {},
): Record<string, string> {
  const network = JSON.parse(readFileSync(networkFile, 'utf8')) as NetworkFile;
  const mspId = opts.mspId ?? 'MallAMSP';
  const peer = network.orgs[mspId]?.peers[0];
  if (peer === undefined) throw new Error(`${networkFile}: no peer of ${mspId}`);
  return {
    MALL_MSP_ID: mspId,
    DATABASE_URL: databaseUrl,
    MIGRATIONS_RUN: 'true',
    LOG_LEVEL: 'silent',
    LEDGER_DRIVER: opts.driver ?? 'gateway',
    LEDGER_NETWORK_FILE: networkFile,
    LEDGER_PEER_ENDPOINT: peer.address,
    LEDGER_CHANNEL: network.channel,
    LEDGER_CHAINCODE: network.chaincode?.name ?? 'mallchain',
    BATCH_WAIT_MS: '20',
    BATCH_BACKOFF_MS: '200',
    BATCH_MAX_BACKOFF_MS: '2000',
    ...opts.extra,
  };
}
