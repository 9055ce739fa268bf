import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { LedgerFunctions } from '../ledger-functions';
import { ChaincodeRejectedError, LEDGER, type LedgerPort } from '../ledger.port';

export type DidRole = 'member' | 'merchant' | 'device' | 'mall';
export type DidOp = 'create' | 'update' | 'deactivate';

export interface DidPublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
}

export interface DidVerificationMethod {
  readonly id: string;
  readonly type: 'JsonWebKey2020';
  readonly controller: string;
  readonly publicKeyJwk: DidPublicJwk;
}

/** A did:mallchain document as the chaincode stores it (docs/did-method.md §3). */
export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly controller?: readonly string[];
  readonly verificationMethod: readonly DidVerificationMethod[];
  readonly authentication: readonly string[];
  readonly assertionMethod?: readonly string[];
  readonly capabilityInvocation?: readonly string[];
  readonly service?: readonly { id: string; type: string; serviceEndpoint: string }[];
}

/** A version of a DID as stored on the ledger (`did` and `didVersion` entities). */
export interface DidRecord {
  readonly did: string;
  readonly role: DidRole;
  readonly document: DidDocument;
  readonly versionId: number;
  readonly created: string;
  readonly updated: string;
  readonly deactivated: boolean;
  readonly anchoredBy: string;
  readonly ownerMsp?: string;
  readonly txId?: string;
}

export interface DidDocumentMetadata {
  readonly created: string;
  readonly updated: string;
  readonly versionId: string;
  readonly nextVersionId?: string;
  readonly nextUpdate?: string;
  readonly deactivated: boolean;
  readonly role: DidRole;
  readonly ownerMsp?: string;
  readonly txId?: string;
}

/** A DID Resolution result, exactly as `dids:ResolveDid` answers. */
export interface DidResolution {
  readonly '@context': 'https://w3id.org/did-resolution/v1';
  readonly didDocument: DidDocument | null;
  readonly didDocumentMetadata: DidDocumentMetadata | Record<string, never>;
  readonly didResolutionMetadata: { contentType?: string; error?: 'notFound' };
}

export type VersionSelector = { versionId: string } | { versionTime: string } | Record<string, never>;

/** `{ kid, signature }`: the controller's signature over JCS of the operation. */
export interface DidProof {
  readonly kid: string;
  readonly signature: string;
}

export type StatusPurpose = 'revocation' | 'suspension';

/** One anchored version of a Bitstring Status List (`encodedList` only when the list itself was anchored). */
export interface StatusListVersion {
  readonly issuer: string;
  readonly listId: string;
  readonly purpose: StatusPurpose;
  readonly version: number;
  readonly digest: string;
  readonly encodedList?: string;
  readonly length?: number;
  readonly anchoredAt: string;
  readonly txId: string;
}

export interface CredentialStatusCheck {
  readonly index: number;
  readonly at: string;
  readonly status: 'valid' | 'revoked' | 'suspended' | 'unknown';
  readonly bit: 0 | 1 | null;
  readonly statusList: Omit<StatusListVersion, 'encodedList'>;
}

export interface CredentialBatch {
  readonly issuer: string;
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly anchoredAt: string;
  readonly txId: string;
}

/** A ledger call handed to the intake (`IntakeRequest.fn` / `args`). */
export interface LedgerCall {
  readonly fn: string;
  readonly args: readonly string[];
}

const FN = {
  create: 'dids:CreateDid',
  update: 'dids:UpdateDid',
  deactivate: 'dids:DeactivateDid',
  resolve: 'dids:ResolveDid',
  anchorStatusList: 'status:AnchorStatusList',
  anchorBatch: 'status:AnchorCredentialBatch',
  checkStatus: 'status:CheckCredentialStatus',
  verifyInclusion: 'status:VerifyInclusion',
  getStatusList: 'status:GetStatusList',
} as const;

/** The chaincode name the signed operations name (chaincode/src/dids/did.operation.ts `CHAINCODE_NAME`). */
export const SIGNED_CHAINCODE_NAME = 'mallchain';

function request(value: unknown): string {
  return canonicalize(value) ?? '{}';
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the chaincode's answer type
function decode<T>(raw: Uint8Array): T {
  return JSON.parse(Buffer.from(raw).toString('utf8')) as T;
}

/**
 * The `dids` and `status` contracts as the middleware sees them: function names and the encoding of arguments and
 * results live here; services see domain types only. Writes are {@link LedgerCall}s for the durable intake, reads are
 * evaluated on the peer.
 */
@Injectable()
export class DidLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // Each write names the version it replaces (or is a create, refused once the DID exists; an anchor names its
    // list version or batch ID): committed twice, the second is refused and the state is that of one commit.
    for (const fn of [FN.create, FN.update, FN.deactivate, FN.anchorStatusList, FN.anchorBatch])
      functions.register(fn, { idempotent: true });
  }

  /**
   * What a controller signs (JCS) for an operation (docs/did-method.md §4): channel and chaincode bind it to one
   * ledger, `previousVersionId` to one state transition.
   */
  static operation(p: {
    op: DidOp;
    channel: string;
    did: string;
    previousVersionId: string | null;
    role?: DidRole;
    document?: DidDocument;
  }): object {
    return {
      op: p.op,
      channel: p.channel,
      chaincode: SIGNED_CHAINCODE_NAME,
      did: p.did,
      previousVersionId: p.previousVersionId,
      ...(p.role === undefined ? {} : { role: p.role }),
      ...(p.document === undefined ? {} : { document: p.document }),
    };
  }

  /** What an issuer signs (JCS) to anchor a status list version or a batch root (docs/did-method.md §5). */
  static issuerPayload(op: 'anchorStatusList' | 'anchorCredentialBatch', channel: string, body: object): object {
    return { op, channel, chaincode: SIGNED_CHAINCODE_NAME, ...body };
  }

  create(req: { role: DidRole; document: DidDocument; proof: DidProof }): LedgerCall {
    return { fn: FN.create, args: [request(req)] };
  }

  update(req: { did: string; previousVersionId: string; document: DidDocument; proof: DidProof }): LedgerCall {
    return { fn: FN.update, args: [request(req)] };
  }

  deactivate(req: { did: string; previousVersionId: string; proof: DidProof }): LedgerCall {
    return { fn: FN.deactivate, args: [request(req)] };
  }

  anchorStatusList(req: {
    issuer: string;
    listId: string;
    purpose: StatusPurpose;
    version: number;
    encodedList?: string;
    digest?: string;
    proof: DidProof;
  }): LedgerCall {
    return { fn: FN.anchorStatusList, args: [request(req)] };
  }

  anchorCredentialBatch(req: {
    issuer: string;
    batchId: string;
    root: string;
    size: number;
    proof: DidProof;
  }): LedgerCall {
    return { fn: FN.anchorBatch, args: [request(req)] };
  }

  /** Resolution on the peer (world state), the version selected by id or time. */
  async resolve(did: string, selector: VersionSelector = {}): Promise<DidResolution> {
    return decode<DidResolution>(await this.ledger.evaluate(FN.resolve, [request({ did, ...selector })]));
  }

  /** The status bit of a credential in the list version in force at `at` (default: now). */
  async checkStatus(q: { issuer: string; listId: string; index: number; at?: string }): Promise<CredentialStatusCheck> {
    return decode<CredentialStatusCheck>(await this.ledger.evaluate(FN.checkStatus, [request(q)]));
  }

  /** Whether an RFC 9162 inclusion proof matches the anchored batch root. */
  async verifyInclusion(q: {
    issuer: string;
    batchId: string;
    leaf: string;
    index: number;
    path: readonly string[];
  }): Promise<{ included: boolean; batch: CredentialBatch }> {
    return decode<{ included: boolean; batch: CredentialBatch }>(
      await this.ledger.evaluate(FN.verifyInclusion, [request(q)]),
    );
  }

  /** One anchored version of a list (default the latest), or undefined when the ledger has none. */
  async statusList(q: { issuer: string; listId: string; version?: number }): Promise<StatusListVersion | undefined> {
    try {
      return decode<StatusListVersion>(await this.ledger.evaluate(FN.getStatusList, [request(q)]));
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }
}
