/**
 * Brings the network up for the end-to-end tests. A network that is already running with
 * the same settings is reused and left running; one started here is stopped afterwards.
 */
import { Network, settingsFromEnv, stderrProgress } from '../../fabric-network/src';

declare global {
  var __MALLCHAIN_E2E_STARTED__: boolean | undefined;
}

export default async function globalSetup(): Promise<void> {
  const network = new Network(settingsFromEnv(), stderrProgress('e2e'));
  const wasRunning = network.isRunning();
  await network.up();
  globalThis.__MALLCHAIN_E2E_STARTED__ = !wasRunning;
}
