import { Network, settingsFromEnv, stderrProgress } from '../../fabric-network/src';

/** Stops the network only if the end-to-end run started it. */
export default async function globalTeardown(): Promise<void> {
  if (globalThis.__MALLCHAIN_E2E_STARTED__ !== true) return;
  await new Network(settingsFromEnv(), stderrProgress('e2e')).down(false);
}
