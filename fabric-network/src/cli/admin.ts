/**
 * `mallchain admin …`: consortium administration from the command line. Proposals are JSON
 * files that travel between admins; every other command prints JSON (results) on stdout and
 * progress on stderr.
 */
import { resolve } from 'node:path';
import { AdminError, ConsortiumAdmin, readProposal, writeProposal } from '../admin';
import { BatchParams } from '../admin/channel-params';
import { ConfigProposal } from '../admin/proposal';
import { Progress } from '../progress';
import { settingsFromEnv } from '../settings';

export const ADMIN_USAGE = `usage: mallchain admin <command> [options]

channels
  channel list                               channels with heights per peer, members, orderers
  channel show [--channel C]                 readable config: orgs, policies, batch, consenters
  channel create <name> --malls A,B          new channel from the standard profile; joins orderers and those peers
  channel propose-params --out F [--batch-timeout 2s] [--max-message-count N]
                         [--absolute-max-bytes N] [--preferred-max-bytes N] [--channel C]

malls
  mall propose-add <MallC> --out F [--msp-dir DIR] [--channel C]
  mall propose-remove <MallC> --out F [--channel C]
  mall onboard <MallC> [--channel C]         start, join, install, approve (submit does it)

proposals (signature collection)
  proposal sign <F> --org <MSP ID> [--msp-dir DIR]   append this admin's signature to F
  proposal status <F> [--org <submitter MSP ID>]     signatures, policies, what is missing
  proposal submit <F> --org <MSP ID> [--msp-dir DIR]  send once the policies are satisfied

chaincode
  chaincode status [--channel C]             installed / approved / committed per org
  chaincode upgrade [--version V]            new sequence: package, install, approve all, commit
  chaincode policy "<signature policy>"|default   new sequence with that endorsement policy

organisations and identities
  org list                                   orgs, admins and identities (from MSP folders)
  identity issue <MallA> <name>              new client identity signed by the org's CA
  identity propose-revoke <MallA> <name> --out F   CRL into the org's MSP (its admin signs)

settings: MALLCHAIN_HOME, MALLCHAIN_PORT_BASE, MALLCHAIN_PROFILE, MALLCHAIN_CHANNEL; actor: MALLCHAIN_ACTOR`;

interface Args {
  readonly positional: string[];
  readonly options: Map<string, string>;
}

function parse(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new AdminError('INVALID_INPUT', `option ${a} needs a value`);
    options.set(a.slice(2), value);
    i++;
  }
  return { positional, options };
}

function need(args: Args, name: string): string {
  const v = args.options.get(name);
  if (v === undefined) throw new AdminError('INVALID_INPUT', `option --${name} is required`);
  return v;
}

function arg(args: Args, index: number, what: string): string {
  const v = args.positional[index];
  if (v === undefined) throw new AdminError('INVALID_INPUT', `missing ${what}`);
  return v;
}

function int(args: Args, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new AdminError('INVALID_INPUT', `--${name} ${v} is not a whole number`);
  return Number(v);
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

function saved(file: string, p: ConfigProposal, progress: Progress): void {
  writeProposal(file, p);
  progress(`proposal ${p.id} written to ${file}; requires ${p.requiredPolicies.join('; ')}`);
  print({ file, id: p.id, changes: p.changes, requiredPolicies: p.requiredPolicies });
}

function signer(args: Args): string | { mspId: string; mspDir: string } {
  const org = need(args, 'org');
  const dir = args.options.get('msp-dir');
  return dir ? { mspId: org, mspDir: resolve(dir) } : org;
}

type Handler = (admin: ConsortiumAdmin, args: Args, progress: Progress) => Promise<void>;

const COMMANDS: Record<string, Handler> = {
  'channel list': async (a) => {
    print(await a.listChannels());
  },
  'channel show': async (a, x) => {
    print(await a.showChannel(x.options.get('channel')));
  },
  'channel create': async (a, x) => {
    print(await a.createChannel(arg(x, 0, 'channel name'), need(x, 'malls').split(',').filter(Boolean)));
  },
  'channel propose-params': async (a, x, progress) => {
    const params: BatchParams = {
      batchTimeout: x.options.get('batch-timeout'),
      maxMessageCount: int(x, 'max-message-count'),
      absoluteMaxBytes: int(x, 'absolute-max-bytes'),
      preferredMaxBytes: int(x, 'preferred-max-bytes'),
    };
    saved(need(x, 'out'), await a.proposeChannelParams(params, { channel: x.options.get('channel') }), progress);
  },
  'mall propose-add': async (a, x, progress) => {
    const dir = x.options.get('msp-dir');
    const p = await a.proposeAddMall(arg(x, 0, 'mall (e.g. MallC)'), {
      channel: x.options.get('channel'),
      mspDir: dir ? resolve(dir) : undefined,
    });
    saved(need(x, 'out'), p, progress);
  },
  'mall propose-remove': async (a, x, progress) => {
    saved(
      need(x, 'out'),
      await a.proposeRemoveMall(arg(x, 0, 'mall'), { channel: x.options.get('channel') }),
      progress,
    );
  },
  'mall onboard': async (a, x) => {
    print({ onboarded: await a.onboardMall(arg(x, 0, 'mall'), x.options.get('channel')) });
  },
  'proposal sign': async (a, x, progress) => {
    const file = arg(x, 0, 'proposal file');
    const p = await a.signProposal(readProposal(file), signer(x));
    writeProposal(file, p);
    progress(`signature appended to ${file} (${p.signatures.length} so far)`);
    print({ file, signatures: p.signatures });
  },
  'proposal status': async (a, x) => {
    const org = x.options.get('org');
    const s = await a.proposalStatus(readProposal(arg(x, 0, 'proposal file')), org);
    print({ ...s, proposal: { id: s.proposal.id, channel: s.proposal.channel, changes: s.proposal.changes } });
  },
  'proposal submit': async (a, x) => {
    print(await a.submitProposal(readProposal(arg(x, 0, 'proposal file')), signer(x)));
  },
  'chaincode status': async (a, x) => {
    print(await a.chaincodeStatus(x.options.get('channel')));
  },
  'chaincode upgrade': async (a, x) => {
    print(await a.upgradeChaincode({ version: x.options.get('version') }));
  },
  'chaincode policy': async (a, x) => {
    const policy = arg(x, 0, 'signature policy (or "default")');
    print(await a.setEndorsementPolicy(policy === 'default' ? null : policy));
  },
  'org list': async (a) => {
    print(await a.listOrgs());
  },
  'identity issue': async (a, x) => {
    print(await a.issueClientIdentity(arg(x, 0, 'mall'), arg(x, 1, 'identity name')));
  },
  'identity propose-revoke': async (a, x, progress) => {
    const p = await a.proposeRevokeIdentity(arg(x, 0, 'mall'), arg(x, 1, 'identity name'), {
      channel: x.options.get('channel'),
    });
    saved(need(x, 'out'), p, progress);
  },
};

/** Runs `mallchain admin <argv>`; returns the exit code (AdminError → 1 with its message). */
export async function runAdmin(argv: readonly string[], progress: Progress): Promise<number> {
  const [group, command, ...rest] = argv;
  const handler = COMMANDS[`${group ?? ''} ${command ?? ''}`];
  if (!handler) {
    console.error(
      group === undefined || group === 'help'
        ? ADMIN_USAGE
        : `unknown admin command: ${argv.join(' ')}\n\n${ADMIN_USAGE}`,
    );
    return group === 'help' ? 0 : 2;
  }
  const admin = new ConsortiumAdmin({
    settings: settingsFromEnv(),
    progress,
    actor: process.env.MALLCHAIN_ACTOR,
  });
  try {
    await handler(admin, parse(rest), progress);
    return 0;
  } catch (e) {
    if (e instanceof AdminError) {
      console.error(`error: ${e.describe()}`);
      return 1;
    }
    throw e;
  }
}
