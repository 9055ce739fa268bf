import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BadInputError, DidOperationError, NotFoundError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck } from '../intake/intake.types';
import {
  type CredentialBatch,
  type CredentialStatusCheck,
  type DidDocument,
  DidLedger,
  type DidPublicJwk,
  type DidResolution,
  type LedgerCall,
  type StatusListVersion,
  type VersionSelector,
} from '../ledger/domain/did.ledger';
import { ProjectorRegistry } from '../projection/projector-registry';
import { DidCacheStore } from './did-cache.store';
import { resolutionOf } from './did-resolution';
import { checkProof, controllerKeyIds, didOfJwk, methodOf } from './did-signature';
import { didProjector, didVersionProjector } from './did.projector';
import type {
  AnchorBatchDto,
  AnchorStatusListDto,
  CreateDidDto,
  DeactivateDidDto,
  UpdateDidDto,
  VerifyInclusionDto,
} from './dto/did.dto';
import { MALLCHAIN_DID } from './dto/did.dto';

export type Consistency = 'cache' | 'ledger';

/** `versionId` and `versionTime` are exclusive (as in `dids:ResolveDid`). */
export function selectorOf(q: { versionId?: string; versionTime?: string }): VersionSelector {
  if (q.versionId !== undefined && q.versionTime !== undefined)
    throw new BadInputError('give versionId or versionTime, not both');
  if (q.versionId !== undefined) return { versionId: q.versionId };
  if (q.versionTime !== undefined) return { versionTime: new Date(Date.parse(q.versionTime)).toISOString() };
  return {};
}

/**
 * did:mallchain for integrators: signed create / update / deactivate operations and status anchors are checked
 * (signature, version) and relayed to the ledger through the durable intake — the controller signs, the middleware
 * holds no controller key; resolution comes from the projected cache, or from the peer with `consistency=ledger`.
 */
@Injectable()
export class DidsService implements OnModuleInit {
  constructor(
    private readonly intake: IntakeService,
    private readonly ledger: DidLedger,
    private readonly cache: DidCacheStore,
    private readonly config: AppConfig,
    private readonly projectors: ProjectorRegistry,
  ) {}

  onModuleInit(): void {
    this.projectors.register(didProjector);
    this.projectors.register(didVersionProjector);
  }

  /** Operations on one DID reach the ledger in the order they were accepted (ordering key = the DID). */
  #relay(
    kind: string,
    key: string,
    orderingKey: string,
    payload: object,
    call: LedgerCall,
    apiKeyId?: string,
  ): Promise<IntakeAck> {
    return this.intake.accept({ kind, naturalKey: key, payload, fn: call.fn, args: call.args, apiKeyId, orderingKey });
  }

  create(dto: CreateDidDto, apiKeyId?: string): Promise<IntakeAck> {
    const doc = dto.document;
    const did = typeof doc.id === 'string' ? doc.id : '';
    if (!MALLCHAIN_DID.test(did)) throw new BadInputError('document.id must be did:mallchain: and a 43-character id');
    const jwk: unknown = methodOf(doc, dto.proof.kid)?.publicKeyJwk;
    if (typeof jwk !== 'object' || jwk === null || didOfJwk(jwk as DidPublicJwk) !== did)
      throw new DidOperationError('DID_NOT_SELF_CERTIFYING', `${did} must be signed by the key it is derived from`);
    const op = DidLedger.operation({
      op: 'create',
      channel: this.config.ledger.channel,
      did,
      previousVersionId: null,
      role: dto.role,
      document: doc,
    });
    checkProof(doc, controllerKeyIds(doc), op, dto.proof, 'a controller key');
    // An ECDSA signature differs every time it is made: the same creation signed again is a duplicate, not a conflict.
    const payload = { role: dto.role, document: doc, kid: dto.proof.kid };
    return this.#relay('did-create', `create|${did}`, did, payload, this.ledger.create(dto), apiKeyId);
  }

  async update(did: string, dto: UpdateDidDto, apiKeyId?: string): Promise<IntakeAck> {
    if (dto.document.id !== did) throw new BadInputError(`document.id must be ${did}`);
    const current = await this.#current(did, dto.previousVersionId);
    const op = DidLedger.operation({
      op: 'update',
      channel: this.config.ledger.channel,
      did,
      previousVersionId: dto.previousVersionId,
      document: dto.document,
    });
    checkProof(current, controllerKeyIds(current), op, dto.proof, 'a controller key of the current version');
    const req = { did, previousVersionId: dto.previousVersionId, document: dto.document, proof: dto.proof };
    // Two different documents signed against the same version are a fork: the second is a 409 at once.
    const payload = { did, previousVersionId: dto.previousVersionId, document: dto.document, kid: dto.proof.kid };
    const key = `update|${did}|${dto.previousVersionId}`;
    return this.#relay('did-update', key, did, payload, this.ledger.update(req), apiKeyId);
  }

  async deactivate(did: string, dto: DeactivateDidDto, apiKeyId?: string): Promise<IntakeAck> {
    const current = await this.#current(did, dto.previousVersionId);
    const op = DidLedger.operation({
      op: 'deactivate',
      channel: this.config.ledger.channel,
      did,
      previousVersionId: dto.previousVersionId,
    });
    checkProof(current, controllerKeyIds(current), op, dto.proof, 'a controller key of the current version');
    const req = { did, previousVersionId: dto.previousVersionId, proof: dto.proof };
    const payload = { did, previousVersionId: dto.previousVersionId, kid: dto.proof.kid };
    // Same natural key as an update of that version: a deactivation and an update of one version are a fork.
    const key = `update|${did}|${dto.previousVersionId}`;
    return this.#relay('did-deactivate', key, did, payload, this.ledger.deactivate(req), apiKeyId);
  }

  /** The current document on the peer (not the cache, which may lag), checked against the version replaced. */
  async #current(did: string, previousVersionId: string): Promise<DidDocument> {
    const r = await this.ledger.resolve(did);
    if (r.didDocument === null || !('versionId' in r.didDocumentMetadata)) throw new NotFoundError('DID', did);
    const m = r.didDocumentMetadata;
    if (m.deactivated) throw new DidOperationError('DID_DEACTIVATED', `${did} is deactivated`);
    if (m.versionId !== previousVersionId)
      throw new DidOperationError(
        'DID_STALE',
        `${did} is at version ${m.versionId}; the operation replaces version ${previousVersionId}`,
      );
    return r.didDocument;
  }

  /** A DID Resolution result; a DID, version or time that does not exist gives `error: notFound` (not a throw). */
  async resolve(did: string, selector: VersionSelector, consistency: Consistency = 'cache'): Promise<DidResolution> {
    if (consistency === 'ledger') return this.ledger.resolve(did, selector);
    const record = await this.cache.pick(did, selector);
    const next = record ? await this.cache.version(did, record.versionId + 1) : undefined;
    return resolutionOf(record, next);
  }

  /** {@link resolve}, with a NOT_FOUND error for a DID, version or time that does not exist (the REST API). */
  async resolveOrThrow(
    did: string,
    selector: VersionSelector,
    consistency: Consistency = 'cache',
  ): Promise<DidResolution> {
    const r = await this.resolve(did, selector, consistency);
    if (r.didDocument === null) {
      const at =
        'versionId' in selector
          ? ` version ${selector.versionId}`
          : 'versionTime' in selector
            ? ` at ${selector.versionTime}`
            : '';
      throw new NotFoundError('DID', `${did}${at}`);
    }
    return r;
  }

  /** Anchors a status list version; the issuer's signature is checked against its current document first. */
  async anchorStatusList(dto: AnchorStatusListDto, apiKeyId?: string): Promise<IntakeAck> {
    const digest = dto.encodedList === undefined ? dto.digest : sha256Hex(dto.encodedList);
    if (digest === undefined) throw new BadInputError('give encodedList or digest');
    if (dto.digest !== undefined && dto.digest !== digest) throw new BadInputError('digest does not match encodedList');
    const head = { issuer: dto.issuer, listId: dto.listId, purpose: dto.purpose, version: dto.version };
    const body = { ...head, digest };
    await this.#checkIssuer(
      dto.issuer,
      DidLedger.issuerPayload('anchorStatusList', this.config.ledger.channel, body),
      dto,
    );
    const list = dto.encodedList === undefined ? { digest } : { encodedList: dto.encodedList };
    const req = { ...head, ...list, proof: dto.proof };
    const key = `status-list|${dto.issuer}|${dto.listId}|${dto.version.toString()}`;
    const payload = { ...body, kid: dto.proof.kid };
    return this.#relay(
      'did-status-list',
      key,
      // Per issuer: an anchor never overtakes the creation (or rotation) of the issuer DID it needs.
      dto.issuer,
      payload,
      this.ledger.anchorStatusList(req),
      apiKeyId,
    );
  }

  async anchorBatch(dto: AnchorBatchDto, apiKeyId?: string): Promise<IntakeAck> {
    const body = { issuer: dto.issuer, batchId: dto.batchId, root: dto.root, size: dto.size };
    await this.#checkIssuer(
      dto.issuer,
      DidLedger.issuerPayload('anchorCredentialBatch', this.config.ledger.channel, body),
      dto,
    );
    const key = `credential-batch|${dto.issuer}|${dto.batchId}`;
    const call = this.ledger.anchorCredentialBatch({ ...body, proof: dto.proof });
    return this.#relay('did-credential-batch', key, dto.issuer, { ...body, kid: dto.proof.kid }, call, apiKeyId);
  }

  async #checkIssuer(issuer: string, payload: object, dto: AnchorBatchDto | AnchorStatusListDto): Promise<void> {
    const r = await this.ledger.resolve(issuer);
    if (r.didDocument === null || !('versionId' in r.didDocumentMetadata)) throw new NotFoundError('DID', issuer);
    if (r.didDocumentMetadata.deactivated) throw new DidOperationError('DID_DEACTIVATED', `${issuer} is deactivated`);
    checkProof(r.didDocument, r.didDocument.assertionMethod ?? [], payload, dto.proof, 'an assertionMethod key');
  }

  checkStatus(issuer: string, listId: string, index: number, at?: string): Promise<CredentialStatusCheck> {
    return this.ledger.checkStatus({ issuer, listId, index, ...(at === undefined ? {} : { at }) });
  }

  async statusList(issuer: string, listId: string, version?: number): Promise<StatusListVersion> {
    const list = await this.ledger.statusList({ issuer, listId, ...(version === undefined ? {} : { version }) });
    if (!list)
      throw new NotFoundError(
        'status list',
        `${listId} of ${issuer}${version ? ` version ${version.toString()}` : ''}`,
      );
    return list;
  }

  verifyInclusion(dto: VerifyInclusionDto): Promise<{ included: boolean; batch: CredentialBatch }> {
    return this.ledger.verifyInclusion(dto);
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
