import { readFileSync } from 'node:fs';
import { StrictValidationPipe } from '../common/validation.pipe';
import { ProposeRoundDto } from './dto/round.dto';
import type { JointStatsJob } from './jointstats.job';
import type { JointStatsService } from './jointstats.service';
import { RoundIdPipe } from './round-id.pipe';

export const JOINTSTATS_USAGE = `  cli jointstats propose --file <round.json>   (body of POST /v1/jointstats/rounds)
  cli jointstats approve <roundId>
  cli jointstats list
  cli jointstats get <roundId>
  cli jointstats step   (advance every approved round by one step now; needs JOINT_STATS_KEY)`;

type Out = (text: string) => void;

function roundId(args: readonly string[]): string {
  return new RoundIdPipe().transform(args[0] ?? '');
}

async function proposal(args: readonly string[]): Promise<ProposeRoundDto> {
  const i = args.indexOf('--file');
  const file = i >= 0 ? args[i + 1] : undefined;
  if (file === undefined) throw new Error('--file is required');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return (await new StrictValidationPipe().transform(raw, {
    type: 'body',
    metatype: ProposeRoundDto,
  })) as ProposeRoundDto;
}

async function run(
  stats: JointStatsService,
  job: JointStatsJob,
  command: string | undefined,
  args: readonly string[],
): Promise<unknown> {
  switch (command) {
    case 'propose':
      return stats.propose(await proposal(args));
    case 'approve':
      return stats.approve(roundId(args));
    case 'list':
      return stats.list();
    case 'get':
      return stats.get(roundId(args));
    case 'step':
      await job.tick();
      return stats.list();
    default:
      return undefined;
  }
}

/** `cli jointstats …`: 0 with the JSON answer on `out`, 1 with the reason on `err`, 2 for usage. */
export async function jointStatsCommand(
  stats: JointStatsService,
  job: JointStatsJob,
  argv: readonly string[],
  out: Out,
  err: Out,
): Promise<number> {
  const [command, ...args] = argv;
  try {
    const result = await run(stats, job, command, args);
    if (result === undefined) {
      err(`usage:\n${JOINTSTATS_USAGE}\n`);
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
