import { readFileSync } from 'node:fs';
import { StrictValidationPipe } from '../common/validation.pipe';
import type { DevicesService } from './devices.service';
import { DEVICE_DID, RegisterDeviceDto, RotateKeyDto, StatusChangeDto } from './dto/device.dto';

export const DEVICE_USAGE = `  cli device register --file <registration.json>   (body of POST /v1/devices, made and signed by the device)
  cli device rotate <did> --file <rotation.json>
  cli device suspend|reactivate|revoke <did> [--reason <text>] [--compromised-at <ISO>] [--request-id <id>]
  cli device list [--status <s>] [--type <t>]
  cli device get <did>
  cli device attestations <did> --from <ISO> --to <ISO>`;

type Out = (text: string) => void;

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function body<T extends object>(type: new () => T, value: unknown): Promise<T> {
  return (await new StrictValidationPipe().transform(value, { type: 'body', metatype: type })) as T;
}

function fileBody(args: readonly string[]): unknown {
  const file = flag(args, 'file');
  if (file === undefined) throw new Error('--file is required');
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

function didArg(args: readonly string[]): string {
  const did = args[0] ?? '';
  if (!DEVICE_DID.test(did)) throw new Error(`not a device DID: ${did}`);
  return did;
}

async function statusChange(
  devices: DevicesService,
  op: 'suspend' | 'reactivate' | 'revoke',
  args: readonly string[],
): Promise<unknown> {
  const raw = {
    ...(flag(args, 'reason') === undefined ? {} : { reason: flag(args, 'reason') }),
    ...(flag(args, 'compromised-at') === undefined ? {} : { compromisedAt: flag(args, 'compromised-at') }),
    ...(flag(args, 'request-id') === undefined ? {} : { requestId: flag(args, 'request-id') }),
  };
  return devices.changeStatus(op, didArg(args), await body(StatusChangeDto, raw));
}

async function run(devices: DevicesService, command: string | undefined, args: readonly string[]): Promise<unknown> {
  switch (command) {
    case 'register':
      return devices.register(await body(RegisterDeviceDto, fileBody(args)));
    case 'rotate':
      return devices.rotateKey(didArg(args), await body(RotateKeyDto, fileBody(args.slice(1))));
    case 'suspend':
    case 'reactivate':
    case 'revoke':
      return statusChange(devices, command, args);
    default:
      return read(devices, command, args);
  }
}

function read(
  devices: DevicesService,
  command: string | undefined,
  args: readonly string[],
): Promise<unknown> | undefined {
  if (command === 'list') return devices.list(flag(args, 'status'), flag(args, 'type'));
  if (command === 'get') return devices.get(didArg(args));
  if (command === 'attestations')
    return devices.attestations(didArg(args), flag(args, 'from') ?? '', flag(args, 'to') ?? '');
  return undefined;
}

/** `cli device …`: 0 with the JSON answer on `out`, 1 with the reason on `err`, 2 for usage. */
export async function deviceCommand(
  devices: DevicesService,
  argv: readonly string[],
  out: Out,
  err: Out,
): Promise<number> {
  const [command, ...args] = argv;
  try {
    const result = await run(devices, command, args);
    if (result === undefined) {
      err(`usage:\n${DEVICE_USAGE}\n`);
      return 2;
    }
    out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    const r = (e as { getResponse?: () => { message?: unknown } }).getResponse?.();
    const m = r?.message ?? (e as Error).message;
    err(`${Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : JSON.stringify(m)}\n`);
    return 1;
  }
}
