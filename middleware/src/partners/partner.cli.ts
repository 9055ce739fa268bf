import { flag } from '../common/cli-runner';
import { PARTNER_KINDS, type PartnerKind } from './partner.entity';
import type { PartnerCredentialsService } from './partner-credentials.service';

function isKind(v: string | undefined): v is PartnerKind {
  return (PARTNER_KINDS as readonly (string | undefined)[]).includes(v);
}

/**
 * `cli partner create|list|revoke|rotate`: prints JSON on `out`; 0 on success, 2 on a usage error.
 * The secret is printed once by create and rotate, like the admin API answers it.
 */
export async function partner(
  partners: PartnerCredentialsService,
  command: string | undefined,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const print = (v: unknown): number => {
    out(`${JSON.stringify(v, null, 2)}\n`);
    return 0;
  };
  if (command === 'create') return create(partners, args, print);
  if (command === 'list') return print(await partners.list());
  const appId = args[0];
  if (command === 'revoke' && appId !== undefined) {
    await partners.revoke(appId);
    return 0;
  }
  if (command === 'rotate' && appId !== undefined) return print(await partners.rotate(appId));
  return 2;
}

async function create(
  partners: PartnerCredentialsService,
  args: readonly string[],
  print: (v: unknown) => number,
): Promise<number> {
  const kind = flag(args, 'kind');
  const org = flag(args, 'org');
  if (!isKind(kind) || org === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(org)) return 2;
  return print(await partners.create(kind, org, flag(args, 'name') ?? 'cli'));
}
