// `npm run device -w middleware -- counter init|register-body|push …`: a people counter with its own P-256 key.
import { CounterIdentity, caHeaders, counterRecords, localMs, provenPush, siteTree } from './counter';
import type { IntervalCode } from '../../huina/traffic.validator';

const USAGE = `usage:
  device counter did --key <file>
  device counter register-body --key <file> --owner <MSP> [--channel mallchannel] [--chaincode mallchain] [--site <label>]
  device counter push --key <file> --url <http://host:port> --app-id <id> --secret <hex> --customer <orgCode>
         --from 'yyyy-MM-dd HH:mm:ss' --to 'yyyy-MM-dd HH:mm:ss' [--interval 15] [--sites <prefix>] [--channel mallchannel]`;

function flag(args: readonly string[], name: string, fallback?: string): string {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

async function push(id: CounterIdentity, args: readonly string[]): Promise<number> {
  const records = counterRecords(
    siteTree(flag(args, 'sites', 'SIM')),
    localMs(flag(args, 'from')),
    localMs(flag(args, 'to')),
    flag(args, 'interval', '15') as IntervalCode,
    Date.now(),
  );
  const tree = siteTree(flag(args, 'sites', 'SIM')).filter((s) => s.siteType !== 700);
  const treeRecords = tree.map((s) => ({
    ...s,
    dataTime: (records[0] as { dataTime: string }).dataTime,
    interval: flag(args, 'interval', '15'),
    inNum: 0,
    outNum: 0,
    modifyTime: (records[0] as { modifyTime: string }).modifyTime,
  }));
  const body = JSON.stringify(
    provenPush(
      id,
      flag(args, 'customer'),
      [...treeRecords, ...records],
      flag(args, 'channel', 'mallchannel'),
      id.nextSeq(),
    ),
  );
  const path = '/huina/v1/traffic';
  const res = await fetch(`${flag(args, 'url')}${path}`, {
    method: 'POST',
    headers: caHeaders(flag(args, 'app-id'), Buffer.from(flag(args, 'secret'), 'hex'), 'POST', path, body),
    body,
  });
  process.stdout.write(`${res.status} ${await res.text()}\n`);
  return res.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [device, command, ...args] = argv;
  if (device !== 'counter') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const id = new CounterIdentity(flag(args, 'key'));
  if (command === 'did') process.stdout.write(`${id.key.did}\n`);
  else if (command === 'register-body')
    process.stdout.write(
      `${JSON.stringify(id.registration(flag(args, 'channel', 'mallchannel'), flag(args, 'chaincode', 'mallchain'), flag(args, 'owner'), flag(args, 'site', 'Mall')), null, 2)}\n`,
    );
  else if (command === 'push') return push(id, args);
  else {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
