import { type CliOut, fileBody, flag, runCli, validated as body } from '../common/cli-runner';
import type { DevicesService } from './devices.service';
import { DEVICE_DID, RegisterDeviceDto, RotateKeyDto, StatusChangeDto } from './dto/device.dto';

export const DEVICE_USAGE = `  cli device register --file <registration.json>   (body of POST /v1/devices, made and signed by the device)
  cli device rotate <did> --file <rotation.json>
  cli device suspend|reactivate|revoke <did> [--reason <text>] [--compromised-at <ISO>] [--request-id <id>]
  cli device list [--status <s>] [--type <t>]
  cli device get <did>
  cli device attestations <did> --from <ISO> --to <ISO>`;

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
export function deviceCommand(
  devices: DevicesService,
  argv: readonly string[],
  out: CliOut,
  err: CliOut,
): Promise<number> {
  const [command, ...args] = argv;
  return runCli(() => run(devices, command, args), DEVICE_USAGE, out, err);
}
