import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type ClaimRequest,
  type WalletKey,
  createDid,
  didOf,
  generateKey,
  kidOf,
  signPayload,
  verifyPayload,
} from '@mallchain/wallet';
import { didOperationPayload } from '@mallchain/wire';
import type { JsonWebKey } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { BadInputError, ConflictError, NotFoundError, UnavailableError } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { contentHash } from '../intake/group-commit.writer';
import { IntakeService } from '../intake/intake.service';
import { MemberDidLedger } from '../ledger/domain/member-did.ledger';
import { CustodialDidEntity } from './custodial-did.entity';
import { claimProblems } from './custodial-claim.validator';

export const CUSTODIAL_CREATE_KIND = 'did.custodial.create';
export const CUSTODIAL_CLAIM_KIND = 'did.custodial.claim';

export interface CustodialDidView {
  readonly did: string;
  readonly status: 'held' | 'claimed';
  readonly trackingId: string;
}

/** A custodial DID written in a caller's open transaction, not yet committed. */
export interface CustodialCreation {
  readonly view: CustodialDidView;
  /** Counts the CreateDid intake item and wakes the batcher: call it once the caller's transaction committed. */
  committed(): void;
}

const keyContext = (did: string): string => `custodial-did:${did}`;

/**
 * Custodial member DIDs (docs/did-method.md, "Custodial member DIDs"): created by this mall for a member enrolled
 * without a wallet, the P-256 controller key sealed under MEMBER_DATA_KEY; handed over by a claim, after which the
 * key is erased and only the member's wallet can sign for the DID.
 */
@Injectable()
export class CustodialDidsService {
  readonly #box: SecretBox | undefined;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly intake: IntakeService,
    private readonly ledger: MemberDidLedger,
    private readonly config: AppConfig,
  ) {
    this.#box = config.memberDataKey === undefined ? undefined : new SecretBox(config.memberDataKey);
  }

  /** A new custodial DID: the key is sealed and the signed CreateDid is in the intake when this returns. */
  async create(): Promise<CustodialDidView> {
    const created = await this.ds.transaction((m) => this.createIn(m));
    created.committed();
    return created.view;
  }

  /**
   * {@link create} inside the caller's open transaction (`m`): the sealed key and the CreateDid intake item commit
   * with the caller's other writes or not at all (an enrolment refused as a conflict leaves no DID behind). The
   * caller calls `committed()` of the answer after its commit, so that a rolled-back attempt is not counted.
   */
  async createIn(m: EntityManager): Promise<CustodialCreation> {
    const box = this.#requireBox();
    const key = generateKey('ES256', 'custodial');
    const did = didOf(key.publicJwk);
    const call = this.ledger.createDid(createDid(this.config.ledger.channel, key));
    const reqs = [{ kind: CUSTODIAL_CREATE_KIND, naturalKey: did, payload: { did }, ...call }];
    const outcomes = await this.intake.acceptIn(m, reqs);
    const [outcome] = outcomes;
    if (!outcome?.ok) throw outcome?.error ?? new Error('custodial DID: no intake outcome');
    await m.getRepository(CustodialDidEntity).insert({
      did,
      publicJwk: { ...key.publicJwk },
      keySealed: box.seal(JSON.stringify(key.privateJwk), keyContext(did)),
      status: 'held',
      createTrackingId: outcome.ack.trackingId,
    });
    return {
      view: { did, status: 'held', trackingId: outcome.ack.trackingId },
      committed: () => {
        this.intake.counted(reqs, outcomes);
        this.intake.notify();
      },
    };
  }

  async get(did: string): Promise<CustodialDidView> {
    const row = await this.#row(did);
    return { did, status: row.status, trackingId: row.claimTrackingId ?? row.createTrackingId };
  }

  /**
   * Hands `claim.did` over to the wallet key in `claim.document`: checks the wallet's proof of possession over the
   * very update, signs it with the custodial key, has the peer simulate it, puts it in the intake and erases the key
   * in the same database transaction as the status change. A repeat of the same claim is answered as before.
   */
  async claim(body: unknown): Promise<CustodialDidView & { outcome: 'accepted' | 'duplicate' }> {
    const problem = claimProblems(body);
    if (problem !== undefined) throw new BadInputError(problem);
    const claim = body as ClaimRequest;
    const row = await this.#row(claim.did);
    const naturalKey = `${claim.did}@${claim.previousVersionId}`;
    const hash = contentHash(claim);
    if (row.status === 'claimed') {
      // The same claim again gets its original answer; any other claim of a claimed DID is a conflict.
      if (row.claimHash !== hash || row.claimTrackingId === null) {
        throw new ConflictError(`${claim.did} was already claimed with another request`);
      }
      return { did: claim.did, status: 'claimed', trackingId: row.claimTrackingId, outcome: 'duplicate' };
    }
    const [method] = claim.document.verificationMethod;
    if (!method || claim.possession.kid !== method.id) {
      throw new BadInputError('possession.kid must be the id of the one verification method of document');
    }
    if (method.publicKeyJwk.x === row.publicJwk.x) throw new BadInputError('document must not list the custodial key');
    const op = didOperationPayload(
      { channel: this.config.ledger.channel },
      'update',
      claim.did,
      claim.previousVersionId,
      {
        document: claim.document,
      },
    );
    if (!verifyPayload(method.publicKeyJwk, op, claim.possession.signature)) {
      throw new BadInputError('possession.signature does not verify over the update operation with the document key');
    }
    const key = this.#key(row);
    const { possession: _possession, ...rest } = claim;
    const call = this.ledger.updateDid({
      ...rest,
      proof: { kid: kidOf(claim.did, key), signature: signPayload(key, op) },
    });
    await this.ledger.check(call);
    const ack = await this.intake.accept({ kind: CUSTODIAL_CLAIM_KIND, naturalKey, payload: claim, ...call });
    await this.ds
      .getRepository(CustodialDidEntity)
      .update(
        { did: claim.did, status: 'held' },
        { status: 'claimed', keySealed: null, claimHash: hash, claimTrackingId: ack.trackingId, claimedAt: new Date() },
      );
    return { did: claim.did, status: 'claimed', trackingId: ack.trackingId, outcome: ack.outcome };
  }

  /**
   * Signs `payload` (JCS) as the member with the custodial key: the one way this mall acts for a member without a
   * wallet. Refused (409) once the DID is claimed, because the key no longer exists here.
   */
  async signAs(did: string, payload: unknown): Promise<{ kid: string; signature: string }> {
    const row = await this.#row(did);
    const key = this.#key(row);
    return { kid: kidOf(did, key), signature: signPayload(key, payload) };
  }

  async #row(did: string): Promise<CustodialDidEntity> {
    const row = await this.ds.getRepository(CustodialDidEntity).findOneBy({ did });
    if (!row) throw new NotFoundError('custodial DID', did);
    return row;
  }

  #key(row: CustodialDidEntity): WalletKey {
    if (row.status !== 'held' || row.keySealed === null) {
      throw new ConflictError(`${row.did} was claimed by its member: this mall holds no key of it any more`);
    }
    const privateJwk = JSON.parse(this.#requireBox().openText(row.keySealed, keyContext(row.did))) as JsonWebKey;
    return {
      id: 'custodial',
      alg: 'ES256',
      publicJwk: row.publicJwk as unknown as WalletKey['publicJwk'],
      privateJwk,
      createdAt: row.createdAt.toISOString(),
    };
  }

  #requireBox(): SecretBox {
    if (!this.#box) throw new UnavailableError('custodial DIDs need the MEMBER_DATA_KEY setting');
    return this.#box;
  }
}
