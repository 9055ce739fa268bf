import type { SiteRow } from './site-tree';
import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { NotFoundError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { IntakeService } from '../intake/intake.service';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { ChaincodeRejectedError, LedgerError } from '../ledger/ledger.port';
import { formatShanghai } from './shanghai-time';
import type { RollupRow, StoredBucket, StoredReport } from './traffic.store';
import type { TrafficEvidence } from '../devices/evidence';
import type { BucketQuery, TrafficQuery } from './traffic-query';
import { TrafficService } from './traffic.service';

export interface TrafficPoint {
  readonly dataTime: string;
  readonly inNum: number;
  readonly outNum: number;
  readonly throughNum: number | null;
  /** How many sites the figure sums. */
  readonly sites: number;
}

export interface TrafficSeries {
  readonly siteKey: string;
  readonly siteName: string;
  readonly siteType: number;
  readonly interval: string;
  readonly from: string;
  readonly to: string;
  readonly own: TrafficPoint[];
  readonly children: { readonly siteKeys: string[]; readonly sum: TrafficPoint[] };
}

export interface ProofStatus {
  readonly proof: 'verified' | 'edited' | 'pending' | 'unproven';
  readonly mismatches: string[];
  readonly deviceDid?: string;
  readonly seq?: number;
  readonly txId?: string | null;
  readonly blockNumber?: string | null;
}

export interface TrafficProof {
  readonly siteKey: string;
  readonly dataTime: string;
  readonly interval: string;
  readonly deviceDid: string;
  readonly seq: number;
  readonly digest: string;
  readonly kid: string;
  readonly trackingId: string;
  readonly status: 'pending' | 'committed' | 'dead';
  readonly txId: string | null;
  readonly blockNumber: string | null;
  readonly matches: boolean;
  readonly mismatches: string[];
  /** Whether the peer was asked (`devices:VerifyDigest`): only once committed, and when the peer answers. */
  readonly ledgerChecked: boolean;
}

const point = (r: RollupRow): TrafficPoint => ({
  dataTime: formatShanghai(r.bucket.getTime()),
  inNum: Number(r.inNum),
  outNum: Number(r.outNum),
  throughNum: r.throughNum === null ? null : Number(r.throughNum),
  sites: r.sites,
});

/** Stored fields of a bucket against the record the report carries for it. */
function differences(b: StoredBucket, rec: Record<string, unknown> | undefined): string[] {
  const where = `${b.siteKey} #${b.reportPosition ?? -1}`;
  if (!rec) return [`${where}: no such record in the report`];
  const fields: [string, unknown, unknown][] = [
    ['inNum', b.inNum, rec.inNum],
    ['outNum', b.outNum, rec.outNum],
    ['throughNum', b.throughNum, rec.throughNum ?? null],
    ['modifyTime', formatShanghai(b.modifyTime.getTime()), rec.modifyTime],
    ['interval', b.interval, String(rec.interval)],
    ['deviceHost', b.deviceHost, rec.deviceHost ?? null],
    ['channel', b.channel, rec.channel ?? null],
    ['siteKey', b.siteKey, rec.siteKey],
  ];
  return fields.filter(([, a, c]) => a !== c).map(([f]) => `${where}: stored ${f} differs from the signed record`);
}

/** Reads of `/huina/v1/traffic` and `/huina/v1/traffic/proof`. */
@Injectable()
export class TrafficReadService {
  constructor(
    private readonly traffic: TrafficService,
    private readonly intake: IntakeService,
    private readonly devices: DeviceLedger,
    private readonly config: AppConfig,
  ) {}

  sites(): Promise<SiteRow[]> {
    return this.traffic.store.sites();
  }

  async series(q: TrafficQuery): Promise<TrafficSeries> {
    const store = this.traffic.store;
    const site = await store.site(q.siteKey);
    if (!site) throw new NotFoundError('site', q.siteKey);
    const children = await store.children(q.siteKey);
    const rows = await store.rollup(q.siteKey, [q.siteKey, ...children], q.fromMs, q.toMs, q.minutes);
    return {
      siteKey: site.siteKey,
      siteName: site.siteName,
      siteType: site.siteType,
      interval: q.interval,
      from: formatShanghai(q.fromMs),
      to: formatShanghai(q.toMs),
      own: rows.filter((r) => r.own).map(point),
      children: { siteKeys: children, sum: rows.filter((r) => !r.own).map(point) },
    };
  }

  async proof(q: BucketQuery): Promise<TrafficProof> {
    const store = this.traffic.store;
    const what = `bucket ${q.siteKey} ${formatShanghai(q.dataTimeMs)} ${q.interval}`;
    const bucket = await store.bucket(q.siteKey, q.dataTimeMs, q.minutes);
    if (!bucket) throw new NotFoundError('traffic', what);
    const report = bucket.reportId === null ? undefined : await store.report(bucket.reportId);
    if (!report) throw new NotFoundError('device proof of', what);
    const { digest, mismatches } = await this.#mismatches(report);
    const status = await this.intake.status(report.trackingId, this.config.mallMspId);
    const ledgerChecked = status.status === 'committed' && (await this.#onLedger(report, digest, mismatches));
    return {
      siteKey: bucket.siteKey,
      dataTime: formatShanghai(q.dataTimeMs),
      interval: bucket.interval,
      deviceDid: report.deviceDid,
      seq: Number(report.seq),
      digest: report.digest,
      kid: report.kid,
      trackingId: report.trackingId,
      status: status.status,
      txId: status.txId,
      blockNumber: status.blockNumber,
      matches: mismatches.length === 0,
      mismatches,
      ledgerChecked,
    };
  }

  /**
   * A bucket's proof as the console shows it: `verified` (the rows match the attestation and the peer agreed),
   * `edited` (the stored rows no longer match what the device signed), `pending` (matches, the attestation not yet
   * on the ledger or the peer not asked), `unproven` (no device proof). An unknown bucket is still a 404.
   */
  async proofStatus(q: BucketQuery): Promise<ProofStatus> {
    const bucket = await this.traffic.store.bucket(q.siteKey, q.dataTimeMs, q.minutes);
    if (!bucket)
      throw new NotFoundError('traffic', `bucket ${q.siteKey} ${formatShanghai(q.dataTimeMs)} ${q.interval}`);
    if (bucket.reportId === null) return { proof: 'unproven', mismatches: [] };
    const p = await this.proof(q);
    const proof = !p.matches ? 'edited' : p.ledgerChecked ? 'verified' : 'pending';
    return {
      proof,
      mismatches: p.mismatches,
      deviceDid: p.deviceDid,
      seq: p.seq,
      txId: p.txId,
      blockNumber: p.blockNumber,
    };
  }

  /**
   * What this mall publishes so that another mall can check a bucket's figure through its own peer: the figure as
   * stored here, the attestation reference and the report's records exactly as the counter signed them.
   */
  async evidence(q: BucketQuery): Promise<TrafficEvidence> {
    const store = this.traffic.store;
    const dataTime = formatShanghai(q.dataTimeMs);
    const what = `bucket ${q.siteKey} ${dataTime} ${q.interval}`;
    const bucket = await store.bucket(q.siteKey, q.dataTimeMs, q.minutes);
    if (!bucket) throw new NotFoundError('traffic', what);
    const report = bucket.reportId === null ? undefined : await store.report(bucket.reportId);
    if (!report) throw new NotFoundError('device proof of', what);
    const position = bucket.reportPosition ?? -1;
    const records = report.records as Record<string, unknown>[];
    return {
      kind: 'traffic',
      mallMspId: this.config.mallMspId,
      siteKey: bucket.siteKey,
      dataTime,
      interval: records[position] === undefined ? bucket.interval : String(records[position].interval),
      figure: { inNum: bucket.inNum, outNum: bucket.outNum, throughNum: bucket.throughNum },
      deviceDid: report.deviceDid,
      seq: Number(report.seq),
      digest: report.digest,
      position,
      records,
    };
  }

  /** Asks the peer whether the recomputed digest is the anchored one; false when the peer cannot be reached. */
  async #onLedger(report: StoredReport, digest: string, mismatches: string[]): Promise<boolean> {
    try {
      const hex = Buffer.from(digest, 'base64url').toString('hex');
      const v = await this.devices.verifyDigest(report.deviceDid, Number(report.seq), hex);
      if (!v.match) mismatches.push('the stored records do not hash to the digest anchored on the ledger');
      return true;
    } catch (e) {
      if (e instanceof ChaincodeRejectedError) {
        mismatches.push(`the ledger does not confirm the attestation: ${e.message}`);
        return true;
      }
      if (e instanceof LedgerError) return false;
      throw e;
    }
  }

  /** The report's stored records must hash to its digest, and every bucket still on the report must equal its record. */
  async #mismatches(report: StoredReport): Promise<{ digest: string; mismatches: string[] }> {
    const digest = createHash('sha256')
      .update(canonicalize(report.records) ?? '[]')
      .digest('base64url');
    const out = digest === report.digest ? [] : ['the stored records no longer hash to the anchored digest'];
    const records = report.records as Record<string, unknown>[];
    for (const b of await this.traffic.store.bucketsOfReport(report.id))
      out.push(...differences(b, records[b.reportPosition ?? -1]));
    return { digest, mismatches: out };
  }
}
