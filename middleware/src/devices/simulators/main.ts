// `npm run device -w middleware -- counter|printer …`: a people counter or a paperless receipt printer, each with
// its own P-256 key and persisted sequence.
import { pushSales, receiptOf } from '../../adapters/haide/simulator/pos-simulator';
import type { IntervalCode } from '../../huina/traffic.validator';
import { yuanToFen } from '../../points/money';
import {
  CounterIdentity,
  type DeviceIdentity,
  caHeaders,
  counterRecords,
  localMs,
  provenPush,
  siteTree,
} from './counter';
import { PrinterIdentity, printReceipt } from './printer';

const USAGE = `usage:
  device counter did --key <file>
  device counter register-body --key <file> --owner <MSP> [--channel mallchannel] [--chaincode mallchain] [--site <label>]
  device counter push --key <file> --url <http://host:port> --app-id <id> --secret <secret> --customer <customerId>
         --from 'yyyy-MM-dd HH:mm:ss' --to 'yyyy-MM-dd HH:mm:ss' [--interval 15] [--sites <prefix>] [--channel mallchannel]
  device printer did --key <file>
  device printer register-body --key <file> --owner <MSP> [--channel mallchannel] [--chaincode mallchain] [--site <label>]
  device printer print --key <file> --pos <posNo> --flow <flowNo> --amount <yuan> [--card <cardNo>] [--channel mallchannel]
         [--send --url <http://host:port> --app-id <id> --secret <secret> --org-code <orgCode>]
  (--secret is the partner secret exactly as POST /v1/admin/partners issued it)`;

function flag(args: readonly string[], name: string, fallback?: string): string {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

async function push(id: DeviceIdentity, args: readonly string[]): Promise<number> {
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
    headers: caHeaders(flag(args, 'app-id'), Buffer.from(flag(args, 'secret'), 'utf8'), 'POST', path, body),
    body,
  });
  process.stdout.write(`${res.status} ${await res.text()}\n`);
  return res.ok ? 0 : 1;
}

/** Prints one receipt (signed e-receipt); with --send, the till pushes it to /haide/v1/sales. */
async function print(id: DeviceIdentity, args: readonly string[]): Promise<number> {
  const fen = yuanToFen(flag(args, 'amount'));
  if (fen === undefined) throw new Error('--amount must be yuan with at most 2 decimals');
  const card = args.includes('--card') ? flag(args, 'card') : undefined;
  const plain = receiptOf({ posNo: flag(args, 'pos'), flowNo: flag(args, 'flow'), fen, cardNo: card });
  const receipt = printReceipt(id, plain, flag(args, 'channel', 'mallchannel'));
  if (!args.includes('--send')) {
    process.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
    return 0;
  }
  const pos = {
    url: flag(args, 'url'),
    appId: flag(args, 'app-id'),
    secret: flag(args, 'secret'),
    orgCode: flag(args, 'org-code'),
  };
  const res = await pushSales(pos, receipt);
  process.stdout.write(`${res.status} ${JSON.stringify(res.body)}\n`);
  return res.status < 300 ? 0 : 1;
}

function registerBody(id: DeviceIdentity, args: readonly string[]): string {
  const body = id.registration(
    flag(args, 'channel', 'mallchannel'),
    flag(args, 'chaincode', 'mallchain'),
    flag(args, 'owner'),
    flag(args, 'site', 'Mall'),
  );
  return `${JSON.stringify(body, null, 2)}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [device, command, ...args] = argv;
  if (device !== 'counter' && device !== 'printer') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const id = device === 'counter' ? new CounterIdentity(flag(args, 'key')) : new PrinterIdentity(flag(args, 'key'));
  if (command === 'did') process.stdout.write(`${id.key.did}\n`);
  else if (command === 'register-body') process.stdout.write(registerBody(id, args));
  else if (command === 'push' && device === 'counter') return push(id, args);
  else if (command === 'print' && device === 'printer') return print(id, args);
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
