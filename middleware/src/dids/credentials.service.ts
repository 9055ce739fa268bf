import { randomInt, randomUUID, createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { ES256Signer } from 'did-jwt';
import { type JwtCredentialPayload, createVerifiableCredentialJwt, verifyCredential } from 'did-jwt-vc';
import { type DIDResolutionResult, Resolver } from 'did-resolver';
import type { DataSource, EntityManager } from 'typeorm';
import { BadInputError, ConflictError, NotFoundError, UnavailableError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck } from '../intake/intake.types';
import { type DidDocument, DidLedger, type DidPublicJwk } from '../ledger/domain/did.ledger';
import { didOfJwk } from './did-signature';
import { DidsService } from './dids.service';

/** The list every membership credential of this mall has its entry in (131,072 entries, random indexes). */
export const MEMBERSHIP_LIST = 'membership';
const LIST_BITS = 131_072;
const STATUS_LIST_URN = 'urn:mallchain:status-list:';

interface Issuer {
  readonly did: string;
  readonly kid: string;
  readonly key: KeyObject;
  readonly d: Uint8Array;
  readonly jwk: DidPublicJwk;
}

export interface IssuedCredential {
  readonly id: string;
  readonly jwt: string;
  readonly issuer: string;
  readonly statusListIndex: number;
}

export interface CredentialVerification {
  /** Signature valid by the issuer's current document and the status bit clear on the ledger. */
  readonly verified: boolean;
  readonly issuer?: string;
  readonly subject?: string;
  readonly programId?: string;
  readonly status?: 'valid' | 'revoked' | 'suspended' | 'unknown';
  readonly reason?: string;
}

function loadIssuer(file: string | undefined): Issuer | undefined {
  if (file === undefined) return undefined;
  const key = createPrivateKey(readFileSync(file, 'utf8'));
  const j = key.export({ format: 'jwk' });
  if (j.crv !== 'P-256' || j.d === undefined)
    throw new Error(`CREDENTIAL_ISSUER_KEY_FILE: ${file} is not a P-256 private key`);
  const jwk: DidPublicJwk = { kty: 'EC', crv: 'P-256', x: j.x ?? '', y: j.y ?? '' };
  const did = didOfJwk(jwk);
  return { did, kid: `${did}#key-1`, key, d: Buffer.from(j.d, 'base64url'), jwk };
}

/** Multibase base64url GZIP bitstring (VC Bitstring Status List) with the given indexes set. */
export function encodeList(revoked: readonly number[]): string {
  const bits = Buffer.alloc(LIST_BITS / 8);
  for (const i of revoked) bits[Math.floor(i / 8)] = (bits[Math.floor(i / 8)] ?? 0) | (0x80 >> (i % 8));
  return `u${gzipSync(bits).toString('base64url')}`;
}

/**
 * Membership credentials: this mall issues a W3C VC (JWT) "member of program X" with a Bitstring Status List entry,
 * revokes it by anchoring the next list version (through the intake), and verifies a credential by the issuer's
 * DID document (from the cache) and the status bit on the ledger. The issuer key is the one key the middleware
 * holds for this (CREDENTIAL_ISSUER_KEY_FILE); member keys never reach it.
 */
@Injectable()
export class CredentialsService {
  readonly #issuer: Issuer | undefined;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly intake: IntakeService,
    private readonly dids: DidsService,
    private readonly ledger: DidLedger,
    private readonly config: AppConfig,
  ) {
    this.#issuer = loadIssuer(config.credentialIssuerKeyFile);
  }

  #need(): Issuer {
    if (!this.#issuer) throw new UnavailableError('credential issuing is off: CREDENTIAL_ISSUER_KEY_FILE is not set');
    return this.#issuer;
  }

  #sign(value: unknown): string {
    const data = Buffer.from(canonicalize(value) ?? '');
    return sign('sha256', data, { key: this.#need().key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  }

  /** Anchors `version` of the membership list with these indexes set, through the intake (after the issuer DID). */
  #anchor(version: number, revoked: readonly number[]): Promise<IntakeAck> {
    const issuer = this.#need();
    const encodedList = encodeList(revoked);
    const digest = createHash('sha256').update(encodedList, 'utf8').digest('hex');
    const head = { issuer: issuer.did, listId: MEMBERSHIP_LIST, purpose: 'revocation' as const, version };
    const payload = DidLedger.issuerPayload('anchorStatusList', this.config.ledger.channel, { ...head, digest });
    const call = this.ledger.anchorStatusList({
      ...head,
      encodedList,
      proof: { kid: issuer.kid, signature: this.#sign(payload) },
    });
    return this.intake.accept({
      kind: 'did-status-list',
      naturalKey: `status-list|${issuer.did}|${MEMBERSHIP_LIST}|${version.toString()}`,
      payload: { ...head, digest },
      fn: call.fn,
      args: call.args,
      orderingKey: issuer.did,
    });
  }

  /** Creates the issuer DID and anchors version 1 of the list (once; again it only reports them). */
  async initIssuer(): Promise<{ issuer: string; listId: string; create: IntakeAck; statusList: IntakeAck }> {
    const issuer = this.#need();
    const document: DidDocument = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: issuer.did,
      verificationMethod: [
        { id: issuer.kid, type: 'JsonWebKey2020', controller: issuer.did, publicKeyJwk: issuer.jwk },
      ],
      authentication: [issuer.kid],
      assertionMethod: [issuer.kid],
    };
    const op = DidLedger.operation({
      op: 'create',
      channel: this.config.ledger.channel,
      did: issuer.did,
      previousVersionId: null,
      role: 'merchant',
      document,
    });
    const call = this.ledger.create({
      role: 'merchant',
      document,
      proof: { kid: issuer.kid, signature: this.#sign(op) },
    });
    const create = await this.intake.accept({
      kind: 'did-create',
      naturalKey: `create|${issuer.did}`,
      payload: { role: 'merchant', document, kid: issuer.kid },
      fn: call.fn,
      args: call.args,
      orderingKey: issuer.did,
    });
    await this.ds.query(
      `INSERT INTO credential_status_lists (list_id, issuer_did, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING`,
      [MEMBERSHIP_LIST, issuer.did],
    );
    const statusList = await this.#anchor(1, []);
    return { issuer: issuer.did, listId: MEMBERSHIP_LIST, create, statusList };
  }

  /** Issues "member of program X" to `subjectDid` with a fresh random entry of the membership list. */
  async issue(subjectDid: string, programId: string): Promise<IssuedCredential> {
    const issuer = this.#need();
    const listed = await this.ds.query<{ n: number }[]>(
      `SELECT 1 AS n FROM credential_status_lists WHERE list_id = $1`,
      [MEMBERSHIP_LIST],
    );
    if (listed.length === 0)
      throw new ConflictError('the issuer is not set up: POST /v1/dids/credentials/issuer first');
    const id = randomUUID();
    const index = await this.#allocate(id, subjectDid, programId);
    const payload: JwtCredentialPayload = {
      sub: subjectDid,
      jti: `urn:uuid:${id}`,
      nbf: Math.floor(Date.now() / 1000),
      vc: {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'MembershipCredential'],
        credentialSubject: { memberOf: { programId, mall: this.config.mallMspId } },
        // The Bitstring Status List entry (did-jwt-vc types only `id` and `type`; the other members are allowed).
        credentialStatus: {
          id: `${STATUS_LIST_URN}${MEMBERSHIP_LIST}#${index.toString()}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: String(index),
          statusListCredential: `${STATUS_LIST_URN}${MEMBERSHIP_LIST}`,
        } as JwtCredentialPayload['vc']['credentialStatus'],
      },
    };
    const jwt = await createVerifiableCredentialJwt(
      payload,
      { did: issuer.did, signer: ES256Signer(issuer.d), alg: 'ES256' },
      { header: { alg: 'ES256', kid: issuer.kid } },
    );
    return { id, jwt, issuer: issuer.did, statusListIndex: index };
  }

  /** A random unused index (herd privacy); a taken one is drawn again. */
  async #allocate(id: string, subjectDid: string, programId: string): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const index = randomInt(LIST_BITS);
      const rows = await this.ds.query<unknown[]>(
        `INSERT INTO membership_credentials (id, program_id, subject_did, list_id, status_index, issued_at)
         VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (list_id, status_index) DO NOTHING RETURNING id`,
        [id, programId, subjectDid, MEMBERSHIP_LIST, index],
      );
      if (rows.length > 0) return index;
    }
    throw new UnavailableError('no free status list entry found: the membership list is nearly full');
  }

  /**
   * Revokes: marks the credential, then anchors the next list version with every revoked index set, serialised on
   * the list row. Run again after a crash it anchors the same content under the same version (an intake duplicate).
   */
  async revoke(id: string): Promise<IntakeAck> {
    this.#need();
    return this.ds.transaction(async (m: EntityManager) => {
      const list = await m.query<{ version: number }[]>(
        `SELECT version FROM credential_status_lists WHERE list_id = $1 FOR UPDATE`,
        [MEMBERSHIP_LIST],
      );
      const found = await m.query<{ revoked: boolean }[]>(
        `SELECT revoked_at IS NOT NULL AS revoked FROM membership_credentials WHERE id = $1`,
        [id],
      );
      if (!found[0] || !list[0]) throw new NotFoundError('credential', id);
      if (found[0].revoked) throw new ConflictError(`credential ${id} is already revoked`);
      await m.query(`UPDATE membership_credentials SET revoked_at = now() WHERE id = $1`, [id]);
      const revoked = await m.query<{ i: number }[]>(
        `SELECT status_index AS i FROM membership_credentials WHERE list_id = $1 AND revoked_at IS NOT NULL`,
        [MEMBERSHIP_LIST],
      );
      const version = list[0].version + 1;
      const ack = await this.#anchor(
        version,
        revoked.map((r) => r.i),
      );
      await m.query(`UPDATE credential_status_lists SET version = $2 WHERE list_id = $1`, [MEMBERSHIP_LIST, version]);
      return ack;
    });
  }

  /** Verifies a membership credential of any mall: issuer signature (DID from the cache), then status on the ledger. */
  async verify(jwt: string): Promise<CredentialVerification> {
    const resolver = new Resolver({
      mallchain: async (did): Promise<DIDResolutionResult> =>
        (await this.dids.resolve(did, {})) as unknown as DIDResolutionResult,
    });
    let vc: Awaited<ReturnType<typeof verifyCredential>>;
    try {
      vc = await verifyCredential(jwt, resolver);
    } catch (e) {
      return { verified: false, reason: e instanceof Error ? e.message : String(e) };
    }
    const issuer = vc.verifiableCredential.issuer.id;
    const subject = vc.verifiableCredential.credentialSubject.id;
    const memberOf = (vc.verifiableCredential.credentialSubject as { memberOf?: { programId?: string } }).memberOf;
    const { listId, index } = statusEntry(vc.verifiableCredential.credentialStatus);
    const check = await this.dids.checkStatus(issuer, listId, index);
    return {
      verified: check.status === 'valid',
      issuer,
      ...(subject === undefined ? {} : { subject }),
      ...(memberOf?.programId === undefined ? {} : { programId: memberOf.programId }),
      status: check.status,
      ...(check.status === 'valid'
        ? {}
        : { reason: `the credential is ${check.status} (list version ${check.statusList.version.toString()})` }),
    };
  }
}

/** The list and index of a mallchain Bitstring Status List entry; 400 for anything else. */
function statusEntry(status: unknown): { listId: string; index: number } {
  const s = (status ?? {}) as { statusListCredential?: unknown; statusListIndex?: unknown };
  const list = typeof s.statusListCredential === 'string' ? s.statusListCredential : '';
  const index = Number(s.statusListIndex);
  if (!list.startsWith(STATUS_LIST_URN) || !Number.isInteger(index) || index < 0)
    throw new BadInputError('credentialStatus: not a mallchain Bitstring Status List entry');
  return { listId: list.slice(STATUS_LIST_URN.length), index };
}
