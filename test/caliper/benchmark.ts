/**
 * The benchmark's rounds (written as Caliper's benchconfig for the running network's channel): Accrue at two
 * concurrencies, AccrueBatch at two sizes, Redeem with consents, GetBalance, DID resolution, device attestations.
 * "Concurrency" is Caliper's fixed-load controller: that many transactions in flight, shared by the workers.
 * `node -r ../bench/ts-register.js benchmark.ts <channel> <out-file> [seconds per round]`.
 */
import { writeFileSync } from 'node:fs';
import type { RoundArguments } from './scenarios';

interface Round {
  readonly label: string;
  readonly description: string;
  readonly load: number;
  readonly args: Omit<RoundArguments, 'channel'>;
}

export const ROUNDS: readonly Round[] = [
  { label: 'accrue-c2', description: 'points:Accrue, 2 in flight', load: 2, args: { scenario: 'accrue' } },
  { label: 'accrue-c8', description: 'points:Accrue, 8 in flight', load: 8, args: { scenario: 'accrue' } },
  {
    label: 'accrue-batch-10',
    description: 'points:AccrueBatch of 10 receipts, 4 in flight',
    load: 4,
    args: { scenario: 'accrue-batch', batchSize: 10 },
  },
  {
    label: 'accrue-batch-100',
    description: 'points:AccrueBatch of 100 receipts, 4 in flight',
    load: 4,
    args: { scenario: 'accrue-batch', batchSize: 100 },
  },
  {
    label: 'redeem',
    description: 'points:Redeem with the member consent, submitted by Mall B, 4 in flight',
    load: 4,
    args: { scenario: 'redeem', spread: 8 },
  },
  {
    label: 'get-balance',
    description: 'points:GetBalance (evaluate), 8 in flight',
    load: 8,
    args: { scenario: 'balance' },
  },
  {
    label: 'did-resolve',
    description: 'dids:ResolveDid (evaluate), 8 in flight',
    load: 8,
    args: { scenario: 'did-resolve', spread: 8 },
  },
  {
    label: 'attest',
    description: 'devices:SubmitAttestations, one signed statement, 4 in flight',
    load: 4,
    args: { scenario: 'attest', spread: 8 },
  },
];

export function benchConfig(channel: string, seconds: number, workers = 2): Record<string, unknown> {
  return {
    test: {
      name: 'mallchain',
      description: 'mallchain chaincode on a real Fabric network (test/caliper)',
      workers: { number: workers },
      rounds: ROUNDS.map((r) => ({
        label: r.label,
        description: r.description,
        txDuration: seconds,
        rateControl: { type: 'fixed-load', opts: { transactionLoad: r.load } },
        workload: { module: 'workload.js', arguments: { ...r.args, channel } },
      })),
    },
  };
}

if (require.main === module) {
  const [channel, out, seconds] = process.argv.slice(2);
  if (channel === undefined || out === undefined) throw new Error('usage: benchmark <channel> <out-file> [seconds]');
  writeFileSync(out, `${JSON.stringify(benchConfig(channel, Number(seconds ?? 30)), null, 2)}\n`);
}
