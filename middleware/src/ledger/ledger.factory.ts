import { GatewayLedger } from './gateway-ledger';
import type { RetrySettings, StageDeadlines } from './gateway-types';
import { LegacyLedger } from './legacy-ledger';
import type { LedgerPort } from './ledger.port';
import { loadLedgerConnection, type LedgerConnection, type PeerEndpointConfig } from './network-description';

export const LEDGER_DRIVER_NAMES = ['gateway', 'legacy'] as const;
export type LedgerDriverName = (typeof LEDGER_DRIVER_NAMES)[number];

/** What selects and configures a ledger client (the middleware's config maps LEDGER_* settings onto this). */
export interface LedgerSettings {
  /** `gateway` (Fabric Gateway service, default) or `legacy` (fabric-network 2.2, discovery off). */
  readonly driver: LedgerDriverName;
  /** fabric-network's `network.json`. */
  readonly networkFile: string;
  readonly mspId: string;
  readonly user?: 'client' | 'admin';
  /** host:port or 127.0.0.1:port of the peer to use first. */
  readonly preferredPeer?: string;
  /** Further peers of the same org to fail over to, beyond those listed in the network file. */
  readonly failoverPeers?: readonly PeerEndpointConfig[];
  readonly channel?: string;
  readonly chaincode?: string;
  readonly deadlines?: StageDeadlines;
  readonly retry?: RetrySettings;
}

export type LedgerConnector = (c: LedgerConnection, s: LedgerSettings) => Promise<LedgerPort>;

const CONNECTORS: Readonly<Record<LedgerDriverName, LedgerConnector>> = {
  gateway: (c, s) =>
    GatewayLedger.connect(c, {
      ...(s.deadlines ? { deadlines: s.deadlines } : {}),
      ...(s.retry ? { retry: s.retry } : {}),
    }),
  legacy: (c, s) =>
    LegacyLedger.connect(c, {
      ...(s.deadlines ? { deadlines: s.deadlines } : {}),
      ...(s.retry ? { retry: s.retry } : {}),
    }),
};

/**
 * Build the {@link LedgerPort} named by `settings.driver`, connected as this mall's identity.
 * @example const ledger = await createLedger({ driver: 'gateway', networkFile: '.mallchain/dev/network.json', mspId: 'MallAMSP' });
 */
export async function createLedger(
  settings: LedgerSettings,
  connectors: Readonly<Record<LedgerDriverName, LedgerConnector>> = CONNECTORS,
): Promise<LedgerPort> {
  const connect = (connectors as Partial<Record<string, LedgerConnector>>)[settings.driver];
  if (connect === undefined) {
    throw new Error(`LEDGER_DRIVER: '${settings.driver}' is not one of ${LEDGER_DRIVER_NAMES.join(', ')}`);
  }
  const base = await loadLedgerConnection(settings.networkFile, {
    mspId: settings.mspId,
    ...(settings.user ? { user: settings.user } : {}),
    ...(settings.preferredPeer ? { preferredPeer: settings.preferredPeer } : {}),
    ...(settings.channel ? { channel: settings.channel } : {}),
    ...(settings.chaincode ? { chaincode: settings.chaincode } : {}),
  });
  const extra = settings.failoverPeers ?? [];
  const connection: LedgerConnection = {
    ...base,
    peers: [...base.peers, ...extra],
    channelPeers: [...base.channelPeers, ...extra.map((p) => ({ ...p, mspId: base.mspId }))],
  };
  return connect(connection, settings);
}
