import { type PosIdentity, pushSales, receiptOf } from './adapters/haide/simulator/pos-simulator';

const USAGE = `usage: npm run pos -w middleware -- push --url <http://127.0.0.1:3000> --app-id <hd_…> --secret <secret>
    --org <orgCode> [--till P001] [--count 10] [--batch 1] [--card C0001] [--yuan 88.00] [--prefix SIM]
    [--return-every N] [--repeat]
  Signs and pushes receipts to /haide/v1/sales: --count receipts in requests of --batch; every Nth one is followed
  by a return of half of it; --repeat pushes everything a second time (duplicates). Prints one line per answer.`;

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function identity(args: readonly string[]): PosIdentity | undefined {
  const [url, appId, secret, orgCode] = ['url', 'app-id', 'secret', 'org'].map((n) => flag(args, n));
  if (url === undefined || appId === undefined || secret === undefined || orgCode === undefined) return undefined;
  return { url, appId, secret, orgCode };
}

/** The receipts of a run, sales each optionally followed by a partial return. */
export function plan(args: readonly string[]): Record<string, unknown>[] {
  const count = Number(flag(args, 'count') ?? '10');
  const every = Number(flag(args, 'return-every') ?? '0');
  const fen = Math.round(Number(flag(args, 'yuan') ?? '88.00') * 100);
  const posNo = flag(args, 'till') ?? 'P001';
  const prefix = flag(args, 'prefix') ?? `SIM${Date.now().toString(36)}`;
  const cardNo = flag(args, 'card');
  const out: Record<string, unknown>[] = [];
  for (let i = 1; i <= count; i++) {
    const flowNo = `${prefix}-${i}`;
    out.push(receiptOf({ posNo, flowNo, fen, cardNo }));
    if (every > 0 && i % every === 0)
      out.push(receiptOf({ posNo, flowNo: `${flowNo}-R`, fen: Math.floor(fen / 2), backFlowNo: flowNo }));
  }
  return out;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const id = identity(args);
  if (command !== 'push' || id === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const batch = Math.max(1, Math.min(1000, Number(flag(args, 'batch') ?? '1')));
  const receipts = plan(args);
  let failed = 0;
  for (let round = 0; round < (args.includes('--repeat') ? 2 : 1); round++) {
    for (let i = 0; i < receipts.length; i += batch) {
      const group = receipts.slice(i, i + batch);
      const answer = await pushSales(id, batch === 1 ? group[0] : { receipts: group });
      if (answer.status >= 300) failed++;
      process.stdout.write(`${answer.status} ${answer.body.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
