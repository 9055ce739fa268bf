import { type CliOut, runCli, validated as valid } from '../common/cli-runner';
import { ConsistencyDto, CreateMerchantDto, CreateProgramDto, MerchantListQueryDto } from './dto/points-api.dto';
import { LEDGER_ID } from './dto/registry.dto';
import type { PointsActionsService } from './points-actions.service';
import type { PointsReadService } from './points-read.service';

export const POINTS_REGISTRY_USAGE = `  cli program create --id <programId> --name <name> --unit-value-fen <1..100000> --expiry-months <1..120>
      --return-window-days <0..365>            (POST /v1/points/programs: points:RegisterProgram through the intake)
  cli program list [--consistency cache|ledger]
  cli program get <programId> [--consistency cache|ledger]
  cli merchant create --id <merchantId> --name <name> --category <category> --program <programId>
                                               (POST /v1/points/merchants: points:RegisterMerchant through the intake)
  cli merchant list [--program <programId>]
  cli merchant get <merchantId> [--consistency cache|ledger]`;

export interface PointsRegistryServices {
  readonly actions: PointsActionsService;
  readonly reads: PointsReadService;
}

const PROGRAM_FLAGS = {
  id: 'programId',
  name: 'name',
  'unit-value-fen': 'unitValueFen',
  'expiry-months': 'expiryMonths',
  'return-window-days': 'returnWindowDays',
} as const;
const MERCHANT_FLAGS = { id: 'merchantId', name: 'name', category: 'category', program: 'programId' } as const;
const INTEGER_FIELDS = new Set(['unitValueFen', 'expiryMonths', 'returnWindowDays']);

/**
 * The request body that `--flag value` pairs make, named as the REST body names them. An unknown or repeated flag,
 * or one without a value, is refused; integers stay strings when they are not integers, so the DTO names them.
 */
function bodyOf(args: readonly string[], names: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [f, v] = [args[i] ?? '', args[i + 1]];
    const field = f.startsWith('--') ? names[f.slice(2)] : undefined;
    if (field === undefined) throw new Error(`unknown option ${f} (expected ${Object.keys(names).join(', ')})`);
    if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
    if (field in out) throw new Error(`${f} given twice`);
    out[field] = INTEGER_FIELDS.has(field) && /^-?\d{1,9}$/.test(v) ? Number(v) : v;
  }
  return out;
}

function ledgerId(name: string, v: string | undefined): string {
  if (v === undefined || !LEDGER_ID.test(v)) throw new Error(`${name} must be a ledger ID`);
  return v;
}

async function consistency(args: readonly string[]): Promise<'cache' | 'ledger' | undefined> {
  return (await valid(ConsistencyDto, bodyOf(args, { consistency: 'consistency' }))).consistency;
}

async function program(s: PointsRegistryServices, command: string | undefined, args: string[]): Promise<unknown> {
  if (command === 'create')
    return s.actions.registerProgram(await valid(CreateProgramDto, bodyOf(args, PROGRAM_FLAGS)));
  if (command === 'list') return s.reads.programs(await consistency(args));
  if (command === 'get') return s.reads.program(ledgerId('programId', args[0]), await consistency(args.slice(1)));
  return undefined;
}

async function merchant(s: PointsRegistryServices, command: string | undefined, args: string[]): Promise<unknown> {
  if (command === 'create')
    return s.actions.registerMerchant(await valid(CreateMerchantDto, bodyOf(args, MERCHANT_FLAGS)));
  if (command === 'list')
    return s.reads.merchants((await valid(MerchantListQueryDto, bodyOf(args, { program: 'programId' }))).programId);
  if (command === 'get') return s.reads.merchant(ledgerId('merchantId', args[0]), await consistency(args.slice(1)));
  return undefined;
}

/**
 * `cli program …` / `cli merchant …`: the same validation and the same service calls as the REST routes (writes go
 * to the durable intake; the running middleware's batcher carries them to the ledger). 0 with the JSON answer on
 * `out`, 1 with the reason on `err` (nothing stored), 2 for usage.
 */
export function pointsRegistryCommand(
  services: PointsRegistryServices,
  group: 'program' | 'merchant',
  argv: readonly string[],
  out: CliOut,
  err: CliOut,
): Promise<number> {
  const [command, ...args] = argv;
  return runCli(
    () => (group === 'program' ? program : merchant)(services, command, args),
    POINTS_REGISTRY_USAGE,
    out,
    err,
  );
}
