#!/usr/bin/env node
/**
 * mallchain network CLI: `up`, `down [--purge]`, `status`, `install-fabric`.
 * Settings come from MALLCHAIN_PROFILE, MALLCHAIN_PORT_BASE, MALLCHAIN_HOME, MALLCHAIN_CHANNEL.
 */
import { NetworkError } from '../errors';
import { runAdmin } from './admin';
import { ensureFabric } from '../fabric';
import { Network } from '../network';
import { stderrProgress } from '../progress';
import { settingsFromEnv } from '../settings';

const USAGE = `usage: mallchain <command>

commands:
  up               start orderers, peers and the chaincode server; create and join the channel;
                   deploy the chaincode; wait for a first committed transaction (idempotent)
  down [--purge]   stop every process of the network; --purge also deletes its data
  status           processes, channel heights and the committed chaincode
  install-fabric   build (or find cached) Fabric binaries
  admin …          consortium administration (channels, malls, signatures, chaincode, identities):
                   \`mallchain admin help\`

settings (environment): MALLCHAIN_PROFILE=dev|ha|bft  MALLCHAIN_PORT_BASE=7000
                        MALLCHAIN_HOME=<dir>  MALLCHAIN_CHANNEL=mallchannel`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const progress = stderrProgress('mallchain');
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'install-fabric') {
    const tools = await ensureFabric(progress);
    console.log(tools.binDir);
    return 0;
  }
  const network = new Network(settingsFromEnv(), progress);
  const started = Date.now();
  switch (command) {
    case 'up': {
      await network.up();
      progress(`up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return 0;
    }
    case 'down': {
      const stopped = await network.down(rest.includes('--purge'));
      progress(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      console.log(JSON.stringify(await network.status(), null, 2));
      return 0;
    }
    default:
      console.error(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

function entry(argv: string[]): Promise<number> {
  return argv[0] === 'admin' ? runAdmin(argv.slice(1), stderrProgress('mallchain admin')) : main(argv);
}

entry(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof NetworkError ? `error: ${e.describe()}` : e);
    process.exitCode = 1;
  },
);
