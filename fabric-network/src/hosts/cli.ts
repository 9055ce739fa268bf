#!/usr/bin/env node
/**
 * Separate-hosts network CLI (`npm run hosts -- <command>`): `up`, `down [--purge]`, `cut <mall>`, `heal <mall>`,
 * `faults '<json>'`, `stats`, `sweep`. Settings as for `mallchain up`; MALLCHAIN_HOME defaults to
 * `.mallchain/hosts`.
 */
import { join } from 'node:path';
import { NetworkError } from '../errors';
import { REPO_ROOT } from '../paths';
import { stderrProgress } from '../progress';
import { settingsFromEnv } from '../settings';
import { checkFaults } from './fault-proxy';
import { HostsNetwork } from './hosts-network';
import { sweep } from './netns';

const USAGE = `usage: npm run hosts -- <command>

commands:
  up                 namespaces mcf-ord, mcf-a, mcf-b, mcf-c on a bridge, a fault proxy in each, and the network
                     (three malls, majority endorsement) in them (idempotent)
  down [--purge]     stop every process, delete namespaces, links and the bridge; --purge also deletes the data
  cut <A|B|C|ord>    drop that organisation's link to the others
  heal <A|B|C|ord>   bring it back
  faults '<json>'    faults on every inter-organisation route, e.g.
                     '{"latencyMs":100,"jitterMs":50,"dropRate":0.1,"resetAfterMs":[5000,20000]}'; '{}' clears them
  stats              per proxy and route: accepted, dropped, reset connections
  sweep              remove leftover mcf-* namespaces and links (and the processes in them)

settings (environment): MALLCHAIN_PORT_BASE=7000  MALLCHAIN_HOME=<dir> (default .mallchain/hosts)
                        MALLCHAIN_PROFILE=dev|ha|bft  MALLCHAIN_CHANNEL=mallchannel`;

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const progress = stderrProgress('hosts');
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'sweep') {
    const removed = await sweep();
    progress(removed.length > 0 ? `removed ${removed.join(', ')}` : 'nothing to remove');
    return 0;
  }
  const env = { ...process.env, MALLCHAIN_HOME: process.env.MALLCHAIN_HOME ?? join(REPO_ROOT, '.mallchain', 'hosts') };
  const hosts = new HostsNetwork(settingsFromEnv(env), progress);
  switch (command) {
    case 'up':
      await hosts.up();
      return 0;
    case 'down': {
      const stopped = await hosts.down(argv.includes('--purge'));
      progress(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'cut':
    case 'heal':
      if (arg === undefined) break;
      await (command === 'cut' ? hosts.cut(arg) : hosts.heal(arg));
      progress(`${command === 'cut' ? 'cut' : 'healed'} ${hosts.org(arg).ns}`);
      return 0;
    case 'faults':
      if (arg === undefined) break;
      await hosts.setFaults(checkFaults(JSON.parse(arg)));
      return 0;
    case 'stats':
      console.log(JSON.stringify(await hosts.proxyStats(), null, 2));
      return 0;
  }
  console.error(`unknown or incomplete command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof NetworkError ? `error: ${e.describe()}` : e);
    process.exitCode = 1;
  },
);
