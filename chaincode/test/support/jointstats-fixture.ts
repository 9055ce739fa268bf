/**
 * A district of up to five malls for jointstats tests. The ledger is the in-memory stub; each
 * mall's middleware side (dealing, opening its blobs, adding them up) is played with the same
 * vss module the chaincode verifies with, so the tests run the real protocol end to end.
 */
import { JointStatsContract } from '../../src/jointstats/jointstats.contract';
import type { RoundView } from '../../src/jointstats/round.query';
import type { DealRecord, ResultRecord } from '../../src/jointstats/round.model';
import {
  DealSecrets,
  RoundShape,
  Share,
  ShareKeyPair,
  createDeal,
  decodeCommitments,
  encodePartial,
  generateShareKeyPair,
  openDealShares,
  sumShares,
} from '../../src/jointstats/vss';
import { createHash } from 'node:crypto';
import { Identity, InvokeOptions, Ledger, TxResult } from './fake-stub';
import { TEST_CERTS } from './fake-certs';

export const MALLS = ['MallAMSP', 'MallBMSP', 'MallCMSP', 'MallDMSP', 'MallEMSP'] as const;
export type Mall = (typeof MALLS)[number];

/** Admin and client identities of any MSP (the role is read from the certificate's OU). */
export const admin = (mspId: string): Identity => ({ mspId, role: 'admin', cert: TEST_CERTS.mallAAdmin });
export const client = (mspId: string): Identity => ({ mspId, role: 'client', cert: TEST_CERTS.mallAClient });

export const HOUR = 3_600_000;
export const ROUND_ID = 'district-2026-03-01-visitors';

export interface RoundOptions {
  n: number;
  t: number;
  buckets: number;
  minContributors?: number;
  /** Where the blobs go (default: on the ledger). */
  shareDelivery?: 'ledger' | 'private';
}

/** SHA-256 (hex) of a blob, as a private-delivery deal names it. */
export function blobSha256(blob: string): string {
  return createHash('sha256').update(blob, 'utf8').digest('hex');
}

/** A ledger-delivery deal request turned into a private one: hashes in the request, blobs as transient `shares`. */
export function asPrivateDeal(req: Record<string, unknown>): {
  request: Record<string, unknown>;
  transient: Record<string, Uint8Array>;
} {
  const { shares, ...rest } = req as { shares: Record<string, string> };
  const shareHashes = Object.fromEntries(Object.entries(shares).map(([m, b]) => [m, blobSha256(b)]));
  return {
    request: { ...rest, shareHashes },
    transient: { shares: Buffer.from(JSON.stringify(shares), 'utf8') },
  };
}

export class JointWorld {
  readonly ledger = new Ledger();
  readonly contract = new JointStatsContract();
  readonly keys = new Map<string, ShareKeyPair>();
  readonly secrets = new Map<string, DealSecrets>();
  participants: string[] = [];
  shape!: RoundShape;
  delivery: 'ledger' | 'private' = 'ledger';

  call<T = unknown>(fn: string, request: unknown, who: Identity, opts?: InvokeOptions): Promise<TxResult<T>> {
    const arg = typeof request === 'string' ? request : JSON.stringify(request);
    return this.ledger.invoke<T>(this.contract, fn, [arg], who, opts);
  }

  /** The blob `dealer` addressed to `mall`: from the deal record, or (private) from `mall`'s peer. */
  async blobFor(mall: string, dealer: string): Promise<string> {
    if (this.delivery === 'private') {
      const r = await this.call<{ blob: string }>('GetDealShare', { roundId: ROUND_ID, dealer }, client(mall));
      return r.result.blob;
    }
    const deal = (await this.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer }, client(mall))).result;
    return deal.shares[mall]!;
  }

  proposal(opts: RoundOptions, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      roundId: ROUND_ID,
      metric: 'visitors',
      siteLevel: 'mall',
      periodStart: '2026-03-01T00:00:00Z',
      bucketMinutes: 60,
      buckets: opts.buckets,
      participants: MALLS.slice(0, opts.n),
      threshold: opts.t,
      minContributors: opts.minContributors,
      ...(opts.shareDelivery ? { shareDelivery: opts.shareDelivery } : {}),
      deadline: new Date(this.ledger.now + HOUR).toISOString(),
      ...overrides,
    };
  }

  async propose(opts: RoundOptions): Promise<void> {
    await this.call('ProposeRound', this.proposal(opts), admin('MallAMSP'));
    this.delivery = opts.shareDelivery ?? 'ledger';
    this.participants = [...MALLS.slice(0, opts.n)].sort();
    this.shape = { roundId: ROUND_ID, participants: this.participants, threshold: opts.t, buckets: opts.buckets };
  }

  async join(mall: string): Promise<void> {
    const keys = generateShareKeyPair();
    this.keys.set(mall, keys);
    await this.call('JoinRound', { roundId: ROUND_ID, publicKey: keys.publicKey }, admin(mall));
  }

  async round(): Promise<RoundView> {
    return (await this.call<RoundView>('GetRound', { roundId: ROUND_ID }, client('MallAMSP'))).result;
  }

  /** The deal request a mall's middleware would send for `values` (one per bucket). */
  async dealRequest(mall: string, values: number[], absent?: number[]): Promise<Record<string, unknown>> {
    const view = await this.round();
    const keys = Object.fromEntries(view.joined.map((j) => [j.participant, j.publicKey]));
    const { message, secrets } = createDeal(this.shape, mall, values.map(BigInt), keys);
    this.secrets.set(mall, secrets);
    return { roundId: ROUND_ID, ...message, ...(absent ? { absent } : {}) };
  }

  async deal(mall: string, values: number[], absent?: number[]): Promise<void> {
    const req = await this.dealRequest(mall, values, absent);
    if (this.delivery === 'private') {
      const { request, transient } = asPrivateDeal(req);
      await this.call('SubmitDeal', request, client(mall), { transient });
    } else {
      await this.call('SubmitDeal', req, client(mall));
    }
  }

  /** What `mall` computes from the ledger: its blobs opened, checked and summed per counted bucket. */
  async partialValues(mall: string): Promise<(Share | null)[]> {
    const view = await this.round();
    const suppressed = new Set(view.suppressed ?? []);
    const vectors: { dealer: string; absent: number[]; shares: Share[] }[] = [];
    const disqualified = new Set(view.disqualified.map((d) => d.dealer));
    for (const dealer of view.dealt.filter((d) => !disqualified.has(d))) {
      const deal = (await this.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer }, client(mall))).result;
      const shares =
        dealer === mall
          ? this.secrets.get(mall)!.own
          : openDealShares(
              this.shape,
              dealer,
              mall,
              decodeCommitments(deal.commitments, this.shape.buckets, this.shape.threshold),
              await this.blobFor(mall, dealer),
              this.keys.get(mall)!.secretKey,
            );
      vectors.push({ dealer, absent: deal.absent, shares });
    }
    const perBucket = Array.from({ length: this.shape.buckets }, (_, b) =>
      vectors.filter((v) => !v.absent.includes(b)).map((v) => v.shares[b]!),
    );
    return sumShares(perBucket).map((s, b) => (suppressed.has(b) ? null : s));
  }

  async partial(
    mall: string,
    tamper?: (values: (Share | null)[]) => (Share | null)[],
  ): Promise<TxResult<{ valid: boolean; invalidBuckets: number[] }>> {
    const values = await this.partialValues(mall);
    return this.call(
      'SubmitPartial',
      { roundId: ROUND_ID, values: encodePartial(tamper ? tamper(values) : values) },
      client(mall),
    );
  }

  async finalize(by = 'MallAMSP'): Promise<ResultRecord> {
    return (await this.call<ResultRecord>('FinalizeRound', { roundId: ROUND_ID }, client(by))).result;
  }
}

/** A round proposed by Mall A and joined by every participant. */
export async function joinedWorld(opts: RoundOptions): Promise<JointWorld> {
  const w = new JointWorld();
  await w.propose(opts);
  for (const mall of w.participants) await w.join(mall);
  return w;
}

/** Plain per-bucket sums, what the result must equal. */
export function plainSums(inputs: number[][], absent: Record<number, number[]> = {}): number[] {
  return inputs[0]!.map((_, b) => inputs.reduce((acc, v, i) => acc + ((absent[i] ?? []).includes(b) ? 0 : v[b]!), 0));
}
