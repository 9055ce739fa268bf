import { type CliOut, fileBody, flag, runCli, validated as valid } from '../common/cli-runner';
import type { CredentialsService } from './credentials.service';
import { type DidsService, selectorOf } from './dids.service';
import { IssueCredentialDto, VerifyCredentialDto } from './dto/credential.dto';
import {
  AnchorBatchDto,
  AnchorStatusListDto,
  CreateDidDto,
  DeactivateDidDto,
  MALLCHAIN_DID,
  ResolveQueryDto,
  UpdateDidDto,
  VerifyInclusionDto,
} from './dto/did.dto';

export const DID_USAGE = `  cli did create --file <create.json>              (body of POST /v1/dids, signed by the controller)
  cli did update <did> --file <update.json>        (body of POST /v1/dids/{did}/update)
  cli did deactivate <did> --file <deactivate.json>
  cli did resolve <did> [--version-id <n> | --version-time <ISO>] [--ledger]
  cli did status-list --file <anchor.json>         (body of POST /v1/dids/status-lists)
  cli did status <issuer> <listId> <index> [--at <ISO>]
  cli did batch --file <batch.json>                (body of POST /v1/dids/credential-batches)
  cli did inclusion --file <proof.json>            (body of POST /v1/dids/credential-batches/verify-inclusion)
  cli credential issuer                            (create the issuer DID and status list version 1)
  cli credential issue --subject <did> --program <programId>
  cli credential revoke <credentialId>
  cli credential verify --jwt <jwt>`;

function didArg(value: string | undefined): string {
  if (value === undefined || !MALLCHAIN_DID.test(value)) throw new Error(`not a did:mallchain DID: ${value ?? ''}`);
  return value;
}

async function resolve(dids: DidsService, args: readonly string[]): Promise<unknown> {
  const raw = {
    ...(flag(args, 'version-id') === undefined ? {} : { versionId: flag(args, 'version-id') }),
    ...(flag(args, 'version-time') === undefined ? {} : { versionTime: flag(args, 'version-time') }),
  };
  const q = await valid(ResolveQueryDto, raw, 'query');
  return dids.resolveOrThrow(didArg(args[0]), selectorOf(q), args.includes('--ledger') ? 'ledger' : 'cache');
}

function status(dids: DidsService, args: readonly string[]): Promise<unknown> {
  const [issuer, listId, index] = args;
  if (listId === undefined || index === undefined || !/^(0|[1-9][0-9]{0,9})$/.test(index))
    throw new Error('give <issuer> <listId> <index>');
  return dids.checkStatus(didArg(issuer), listId, Number(index), flag(args, 'at'));
}

async function run(dids: DidsService, command: string | undefined, args: readonly string[]): Promise<unknown> {
  switch (command) {
    case 'create':
      return dids.create(await valid(CreateDidDto, fileBody(args)));
    case 'update':
      return dids.update(didArg(args[0]), await valid(UpdateDidDto, fileBody(args)));
    case 'deactivate':
      return dids.deactivate(didArg(args[0]), await valid(DeactivateDidDto, fileBody(args)));
    case 'resolve':
      return resolve(dids, args);
    case 'status-list':
      return dids.anchorStatusList(await valid(AnchorStatusListDto, fileBody(args)));
    case 'status':
      return status(dids, args);
    case 'batch':
      return dids.anchorBatch(await valid(AnchorBatchDto, fileBody(args)));
    case 'inclusion':
      return dids.verifyInclusion(await valid(VerifyInclusionDto, fileBody(args)));
    default:
      return undefined;
  }
}

async function credential(
  c: CredentialsService,
  command: string | undefined,
  args: readonly string[],
): Promise<unknown> {
  switch (command) {
    case 'issuer':
      return c.initIssuer();
    case 'issue': {
      const dto = await valid(IssueCredentialDto, {
        subjectDid: flag(args, 'subject'),
        programId: flag(args, 'program'),
      });
      return c.issue(dto.subjectDid, dto.programId);
    }
    case 'revoke':
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(args[0] ?? ''))
        throw new Error('id: must be a UUID');
      return c.revoke(args[0] ?? '');
    case 'verify':
      return c.verify((await valid(VerifyCredentialDto, { jwt: flag(args, 'jwt') })).jwt);
    default:
      return undefined;
  }
}

/** `cli credential …`: like {@link didCommand}. */
export function credentialCommand(
  c: CredentialsService,
  argv: readonly string[],
  out: CliOut,
  err: CliOut,
): Promise<number> {
  const [command, ...args] = argv;
  return runCli(() => credential(c, command, args), DID_USAGE, out, err);
}

/** `cli did …`: 0 with the JSON answer on `out`, 1 with the reason on `err`, 2 for usage. */
export function didCommand(dids: DidsService, argv: readonly string[], out: CliOut, err: CliOut): Promise<number> {
  const [command, ...args] = argv;
  return runCli(() => run(dids, command, args), DID_USAGE, out, err);
}
