import { type CliOut, fileBody, runCli, validated } from '../common/cli-runner';
import { ProposeRoundDto } from './dto/round.dto';
import type { JointStatsJob } from './jointstats.job';
import type { JointStatsService } from './jointstats.service';
import { RoundIdPipe } from './round-id.pipe';

export const JOINTSTATS_USAGE = `  cli jointstats propose --file <round.json>   (body of POST /v1/jointstats/rounds)
  cli jointstats approve <roundId>
  cli jointstats list
  cli jointstats get <roundId>
  cli jointstats step   (advance every approved round by one step now; needs JOINT_STATS_KEY)`;

function roundId(args: readonly string[]): string {
  return new RoundIdPipe().transform(args[0] ?? '');
}

function proposal(args: readonly string[]): Promise<ProposeRoundDto> {
  return validated(ProposeRoundDto, fileBody(args));
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
export function jointStatsCommand(
  stats: JointStatsService,
  job: JointStatsJob,
  argv: readonly string[],
  out: CliOut,
  err: CliOut,
): Promise<number> {
  const [command, ...args] = argv;
  return runCli(() => run(stats, job, command, args), JOINTSTATS_USAGE, out, err);
}
