import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConflictError, DeviceProofError, ForbiddenError } from '../common/errors';
import { DeviceCacheStore } from '../devices/device-cache.store';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck, IntakeRequest } from '../intake/intake.types';
import { DeviceLedger, type DeviceStatement } from '../ledger/domain/device.ledger';
import { checkProof, recordsDigest, trafficStatement } from './device-proof';
import { HuinaRefusal } from './huina-envelope';
import type { PartnerCredential } from './partner-credentials.port';
import { checkSiteTree, type TreeCheck } from './site-tree';
import { type BucketWrite, bucketKey, TrafficStore } from './traffic.store';
import type { DeviceProof, TrafficPush, TrafficRecord } from './traffic.validator';

export type RecordStatus = 'accepted' | 'replaced' | 'stale' | 'rejected';

export interface RecordResult {
  readonly index: number;
  readonly siteKey: string;
  readonly dataTime: string;
  readonly interval: string;
  readonly status: RecordStatus;
  readonly reason?: string;
}

export interface AttestationRef {
  readonly trackingId: string;
  readonly outcome: IntakeAck['outcome'];
  readonly status: IntakeAck['status'];
  readonly deviceDid: string;
  readonly seq: number;
}

export interface PushResult {
  readonly results: RecordResult[];
  readonly attestation?: AttestationRef;
}

interface Relayed {
  readonly ack: IntakeAck;
  readonly statement: DeviceStatement;
  readonly kid: string;
  readonly proof: DeviceProof;
}

const result = (r: TrafficRecord, index: number, status: RecordStatus, reason?: string): RecordResult => ({
  index,
  siteKey: r.siteKey,
  dataTime: r.dataTime,
  interval: r.interval,
  status,
  ...(reason === undefined ? {} : { reason }),
});

/**
 * Within one request a bucket counts once: its newest revision is written, the others are stale (a bucket is
 * never added to itself).
 */
export function newestPerBucket(
  records: readonly TrafficRecord[],
  skip: ReadonlyMap<number, string>,
): Map<string, number> {
  const best = new Map<string, number>();
  records.forEach((r, i) => {
    if (skip.has(i)) return;
    const k = bucketKey(r.siteKey, r.dataTimeMs, r.intervalMin);
    const at = best.get(k);
    if (at === undefined || (records[at] as TrafficRecord).modifyTimeMs < r.modifyTimeMs) best.set(k, i);
  });
  return best;
}

/** `POST /huina/v1/traffic`: buckets into Postgres, the device proof onto the ledger through the intake. */
@Injectable()
export class TrafficService {
  readonly store: TrafficStore;
  readonly #cache: DeviceCacheStore;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly intake: IntakeService,
    private readonly devices: DeviceLedger,
    private readonly config: AppConfig,
  ) {
    this.store = new TrafficStore(ds);
    this.#cache = new DeviceCacheStore(ds);
  }

  async push(push: TrafficPush, partner: PartnerCredential): Promise<PushResult> {
    if (push.customerId !== partner.orgCode)
      throw new ForbiddenError(`customerId ${push.customerId} is not the mall of appId ${partner.appId}`);
    const tree = await this.#checkTree(push.records);
    this.#refuseIfNeeded(push, tree);
    const relayed = push.deviceProof ? await this.#relay(push, push.deviceProof) : undefined;
    const results = await this.store.transaction((em) => this.#write(em, push, partner, relayed));
    const attestation = relayed && {
      trackingId: relayed.ack.trackingId,
      outcome: relayed.ack.outcome,
      status: relayed.ack.status,
      deviceDid: relayed.proof.deviceDid,
      seq: relayed.proof.seq,
    };
    return attestation ? { results, attestation } : { results };
  }

  async #checkTree(records: readonly TrafficRecord[], em?: EntityManager): Promise<TreeCheck> {
    const keys = records.flatMap((r) => (r.parentSiteKey === undefined ? [r.siteKey] : [r.siteKey, r.parentSiteKey]));
    return checkSiteTree(records, await this.store.sitesAndAncestors(keys, em));
  }

  /** A proven report is stored whole or not at all; a push of only refused records is a 400. */
  #refuseIfNeeded(push: TrafficPush, tree: TreeCheck): void {
    if (tree.rejected.size === 0) return;
    const results = push.records.map((r, i) => {
      const why = tree.rejected.get(i);
      return why === undefined
        ? result(r, i, 'stale', 'not stored: the request was refused')
        : result(r, i, 'rejected', why);
    });
    const first = [...tree.rejected.entries()][0] as [number, string];
    const message = `records.${first[0]}: ${first[1]}`;
    const code = first[1].includes('cycle') ? 'SITE_CYCLE' : 'SITE_PARENT';
    if (push.deviceProof)
      throw new HuinaRefusal(400, code, `${message} (a deviceProof covers every record)`, { results });
    if (tree.rejected.size === push.records.length) throw new HuinaRefusal(400, code, message, { results });
  }

  async #relay(push: TrafficPush, proof: DeviceProof): Promise<Relayed> {
    const digest = recordsDigest(push.records.map((r) => r.raw));
    if (digest !== proof.digest)
      throw new DeviceProofError(
        'PROOF_DIGEST',
        `deviceProof.digest is not base64url SHA-256 of JCS(records) (${digest})`,
      );
    const statement = trafficStatement(push.records, proof, this.config.ledger.channel);
    const kid = await this.#verifiedKid(statement, proof.signature);
    const entry = { statement, kid, signature: proof.signature };
    const call = this.devices.submitAttestation(entry);
    const req: IntakeRequest = {
      kind: 'device-attestation',
      naturalKey: `${proof.deviceDid}#${proof.seq}`,
      orderingKey: proof.deviceDid,
      // The statement decides duplicate vs conflict: the same statement signed again (ECDSA signatures differ
      // every time) is the same attestation, and the first signature is the one relayed.
      payload: { statement, kid },
      fn: call.fn,
      args: call.args,
    };
    try {
      return { ack: await this.#accept(req), statement, kid, proof };
    } catch (e) {
      if (e instanceof ConflictError)
        throw new DeviceProofError(
          'PROOF_CONFLICT',
          `seq ${proof.seq} of ${proof.deviceDid} was already used for other records (an attestation still pending or ` +
            `anchored holds it; one the ledger refused for its key or the device's status gives it back once dead, unless a ` +
            `later seq of the device is pending or anchored: the ledger would refuse this one as out of order)`,
        );
      throw e;
    }
  }

  /**
   * The attestation into the intake. A seq held by an item the ledger refused for its proof (dead and released: see
   * `PROOF_REFUSALS`) is given back on the ledger, so it is given back here too: that item is renamed aside and the
   * new proof takes the seq — whether it names other records or key (a conflict) or the same statement and key (a
   * "duplicate" by content, but the refused one may have carried a forged signature under that key ID, and this one
   * has passed the check). A seq held by anything else stays a conflict, or a duplicate of a live item.
   */
  async #accept(req: IntakeRequest): Promise<IntakeAck> {
    let ack: IntakeAck;
    try {
      ack = await this.intake.accept(req);
    } catch (e) {
      if (!(e instanceof ConflictError) || !(await this.intake.store.freeReleased(req.kind, req.naturalKey))) throw e;
      return this.intake.accept(req);
    }
    if (ack.outcome !== 'duplicate' || ack.status !== 'dead') return ack;
    return (await this.intake.store.freeReleased(req.kind, req.naturalKey)) ? this.intake.accept(req) : ack;
  }

  /**
   * The proof checked against the device cache when it has the device and accepts the proof, else against the peer
   * (`devices:GetDevice`). The cache may lag the ledger: a proof it accepts although the key was meanwhile rotated out
   * or the device revoked is refused again by `SubmitAttestations`, and the item dies with that code (nothing is
   * anchored), giving its seq and the device's queue back (`#accept`, `PROOF_REFUSALS`); a proof it refuses (a key rotated in, a device not projected yet) is decided by the peer, so a stale
   * cache never refuses a good proof. With `DEVICE_KEYS_SOURCE=ledger` every proof is checked on the peer.
   */
  async #verifiedKid(statement: DeviceStatement, signature: string): Promise<string> {
    if (this.config.deviceKeysSource === 'cache') {
      const cached = await this.#cache.keys(statement.deviceDid);
      if (cached !== undefined) {
        try {
          return checkProof(statement, signature, cached);
        } catch (e) {
          if (!(e instanceof DeviceProofError)) throw e;
        }
      }
    }
    return checkProof(statement, signature, await this.devices.deviceKeys(statement.deviceDid));
  }

  async #write(
    em: EntityManager,
    push: TrafficPush,
    partner: PartnerCredential,
    relayed?: Relayed,
  ): Promise<RecordResult[]> {
    let tree = await this.#checkTree(push.records, em);
    if (tree.upserts.length > 0) {
      await this.store.lockSiteTree(em);
      tree = await this.#checkTree(push.records, em);
      await this.store.upsertSites(em, tree.upserts);
    }
    const report = relayed ? await this.#report(em, push, partner, relayed) : undefined;
    const newest = newestPerBucket(push.records, tree.rejected);
    const writes: BucketWrite[] = [...newest.values()].map((i) => ({
      record: push.records[i] as TrafficRecord,
      position: i,
    }));
    const written = await this.store.upsertBuckets(
      em,
      writes,
      partner.appId,
      report?.id ?? null,
      report?.replaced ?? null,
    );
    return push.records.map((r, i) => {
      const why = tree.rejected.get(i);
      if (why !== undefined) return result(r, i, 'rejected', why);
      const k = bucketKey(r.siteKey, r.dataTimeMs, r.intervalMin);
      if (newest.get(k) !== i)
        return result(r, i, 'stale', 'a newer or equal revision of this bucket is in the same request');
      const inserted = written.get(k);
      if (inserted === undefined) return result(r, i, 'stale', 'the stored revision is as new or newer');
      return result(r, i, inserted ? 'accepted' : 'replaced');
    });
  }

  #report(
    em: EntityManager,
    push: TrafficPush,
    partner: PartnerCredential,
    relayed: Relayed,
  ): Promise<{ id: string; replaced?: string }> {
    return this.store.insertReport(em, {
      deviceDid: relayed.proof.deviceDid,
      seq: relayed.proof.seq,
      digest: relayed.proof.digest,
      statement: relayed.statement,
      kid: relayed.kid,
      trackingId: relayed.ack.trackingId,
      appId: partner.appId,
      records: push.records.map((r) => r.raw),
    });
  }
}
