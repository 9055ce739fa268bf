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
import { checkFaults } from '../hosts/fault-proxy';
import { HostsNetwork } from '../hosts/hosts-network';
import { sweep } from '../hosts/netns';

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

type Command = (hosts: HostsNetwork, arg: string | undefined, argv: readonly string[]) => Promise<boolean>;

/** One entry per command; a handler answers false when its argument is missing. */
const COMMANDS: Readonly<Record<string, Command>> = {
  up: async (hosts) => {
    await hosts.up();
    return true;
  },
  down: async (hosts, _arg, argv) => {
    const stopped = await hosts.down(argv.includes('--purge'));
    progress(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    return true;
  },
  cut: (hosts, arg) => link(hosts, arg, false),
  heal: (hosts, arg) => link(hosts, arg, true),
  faults: async (hosts, arg) => {
    if (arg === undefined) return false;
    await hosts.setFaults(checkFaults(JSON.parse(arg)));
    return true;
  },
  stats: async (hosts) => {
    console.log(JSON.stringify(await hosts.proxyStats(), null, 2));
    return true;
  },
};

const progress = stderrProgress('hosts');

async function link(hosts: HostsNetwork, arg: string | undefined, up: boolean): Promise<boolean> {
  if (arg === undefined) return false;
  await (up ? hosts.heal(arg) : hosts.cut(arg));
  progress(`${up ? 'healed' : 'cut'} ${hosts.org(arg).ns}`);
  return true;
}

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'sweep') {
    const removed = await sweep();
    progress(removed.length > 0 ? `removed ${removed.join(', ')}` : 'nothing to remove');
    return 0;
  }
  const run = COMMANDS[command];
  const env = { ...process.env, MALLCHAIN_HOME: process.env.MALLCHAIN_HOME ?? join(REPO_ROOT, '.mallchain', 'hosts') };
  if (run && (await run(new HostsNetwork(settingsFromEnv(env), progress), arg, argv))) return 0;
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
