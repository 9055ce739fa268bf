import { BadRequestException } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { receiptProblems } from '../adapters/haide/receipt.validator';
import { type CliOut, flag, validated } from '../common/cli-runner';
import type { TrafficReadService } from '../huina/traffic-read.service';
import { validateBucketQuery } from '../huina/traffic-query';
import { EReceiptEvidenceDto, TrafficEvidenceDto } from './dto/evidence.dto';
import type { EvidenceService } from './evidence.service';

export const PROOFS_USAGE = `  cli proofs traffic --site <siteKey> --data-time 'yyyy-MM-dd HH:mm:ss' --interval <5|15|60|H|D>   (evidence this mall publishes)
  cli proofs verify --file <evidence.json>   (another mall's traffic or e-receipt evidence, checked on this mall's peer; exit 3 if not verified)`;

/** The route's validation; its refusal becomes an error naming the fields. */
async function dto<T extends object>(type: new () => T, value: unknown): Promise<T> {
  try {
    return await validated(type, value);
  } catch (e) {
    if (e instanceof BadRequestException) throw new Error(`evidence refused: ${JSON.stringify(e.getResponse())}`);
    throw e;
  }
}

async function verify(evidence: EvidenceService, file: string): Promise<{ verified: boolean }> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown; receipt?: unknown };
  if (raw.kind === 'traffic') return evidence.traffic(await dto(TrafficEvidenceDto, raw));
  if (raw.kind !== 'e-receipt') throw new Error('kind must be traffic or e-receipt');
  const e = await dto(EReceiptEvidenceDto, raw);
  const problems = receiptProblems(e.receipt, 'receipt.');
  if (e.receipt.eReceipt === undefined) problems.push('receipt.eReceipt is required');
  if (problems.length > 0) throw new Error(problems.join('; '));
  return evidence.eReceipt(e);
}

/** `proofs traffic|verify …`: 0 done (verified), 2 usage, 3 evidence not verified. */
export async function proofsCommand(
  services: { reads: TrafficReadService; evidence: EvidenceService },
  command: string | undefined,
  args: readonly string[],
  out: CliOut,
): Promise<number> {
  if (command === 'traffic') {
    const q = validateBucketQuery({
      siteKey: flag(args, 'site'),
      dataTime: flag(args, 'data-time'),
      interval: flag(args, 'interval'),
    });
    out(`${JSON.stringify(await services.reads.evidence(q), null, 2)}\n`);
    return 0;
  }
  const file = flag(args, 'file');
  if (command !== 'verify' || file === undefined) return 2;
  const verdict = await verify(services.evidence, file);
  out(`${JSON.stringify(verdict, null, 2)}\n`);
  return verdict.verified ? 0 : 3;
}
