import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { requireLaterThan, txTimeIso } from '../common/clock';
import { ChaincodeError, inputError, notFound } from '../common/errors';
import { MallContext, put } from '../common/state';
import { Fields, asObject, instant, oneOf, parseRequest, str } from '../common/validate';
import { authorizeChange, authorizeCreate, keyLevelOrgs, protectMallKeys } from './did.auth';
import { DID_RULE, didFromJwk, validateDocument } from './did.document';
import { operation, parseProof, verifyOperation } from './did.operation';
import { VersionSelector, resolveDid } from './did.resolve';
import { DidDocument, DidRecord, DidRole, didKey, didVersionKey, getDid } from './did.store';

export const DID_ROLES: readonly DidRole[] = ['member', 'device', 'merchant', 'mall'];

function versionIdOf(fields: Fields, name: string): string {
  return str(fields, name, { max: 10, pattern: /^[1-9][0-9]{0,9}$/, patternHint: 'must be a version id such as "1"' });
}

/** The current record, refused when it is missing, deactivated or not the version the operation replaces. */
async function currentFor(ctx: MallContext, did: string, previousVersionId: string): Promise<DidRecord> {
  const current = await getDid(ctx, did);
  if (!current) throw notFound('DID', did);
  if (current.deactivated) throw new ChaincodeError('DID_DEACTIVATED', `${did} is deactivated`);
  if (String(current.versionId) !== previousVersionId) {
    throw new ChaincodeError(
      'DID_STALE',
      `${did} is at version ${current.versionId}; the operation replaces version ${previousVersionId}`,
    );
  }
  return current;
}

function nextVersion(ctx: MallContext, current: DidRecord, document: DidDocument, deactivated: boolean): DidRecord {
  requireLaterThan(ctx, current.updated, `version ${current.versionId}`);
  return {
    ...current,
    document,
    versionId: current.versionId + 1,
    updated: txTimeIso(ctx),
    deactivated,
    txId: ctx.stub.getTxID(),
  };
}

async function store(ctx: MallContext, record: DidRecord): Promise<void> {
  const current = didKey(ctx, record.did);
  const version = didVersionKey(ctx, record.did, record.versionId);
  await put(ctx, 'did', current, record);
  await put(ctx, 'didVersion', version, record);
  await protectMallKeys(ctx, record, [current, version]);
}

/**
 * did:mallchain anchors: create, update and deactivate a DID document, each authorized by a
 * controller key's signature over the canonical operation, and resolve any stored version.
 */
@Info({ title: 'dids', description: 'did:mallchain DID documents: create, update, deactivate, resolve' })
export class DidContract extends MallContract {
  constructor() {
    super('dids');
  }

  /** `{ role, document, proof: { kid, signature } }`; signed by the key the DID is derived from. */
  @Transaction()
  @Returns('string')
  async CreateDid(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const role = oneOf(f, 'role', DID_ROLES);
    const did = str(asObject(f.document, 'document'), 'id', DID_RULE);
    const document = validateDocument(f.document, did);
    const proof = parseProof(f.proof);
    const { who, ownerMsp } = authorizeCreate(ctx, role);
    const signer = document.verificationMethod.find((m) => m.id === proof.kid);
    if (!signer || didFromJwk(signer.publicKeyJwk) !== did) {
      throw new ChaincodeError('DID_NOT_SELF_CERTIFYING', `${did} must be signed by the key it is derived from`);
    }
    verifyOperation(operation(ctx, 'create', did, null, { role, document }), document, proof);
    if (await getDid(ctx, did)) throw new ChaincodeError('DID_EXISTS', `${did} already exists`);
    const now = txTimeIso(ctx);
    const record: DidRecord = {
      did,
      role,
      document,
      versionId: 1,
      created: now,
      updated: now,
      deactivated: false,
      anchoredBy: who.mspId,
      ownerMsp,
      txId: ctx.stub.getTxID(),
    };
    await store(ctx, record);
    return JSON.stringify({ did, versionId: '1', created: now });
  }

  /** `{ did, previousVersionId, document, proof }`; signed by a controller key of the current version. */
  @Transaction()
  @Returns('string')
  async UpdateDid(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const did = str(f, 'did', DID_RULE);
    const previousVersionId = versionIdOf(f, 'previousVersionId');
    const document = validateDocument(f.document, did);
    const proof = parseProof(f.proof);
    const current = await currentFor(ctx, did, previousVersionId);
    authorizeChange(ctx, current);
    verifyOperation(operation(ctx, 'update', did, previousVersionId, { document }), current.document, proof);
    const record = nextVersion(ctx, current, document, false);
    await store(ctx, record);
    return JSON.stringify({ did, versionId: String(record.versionId), updated: record.updated });
  }

  /** `{ did, previousVersionId, proof }`; the DID keeps its history but no key of it is valid any more. */
  @Transaction()
  @Returns('string')
  async DeactivateDid(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const did = str(f, 'did', DID_RULE);
    const previousVersionId = versionIdOf(f, 'previousVersionId');
    const proof = parseProof(f.proof);
    const current = await currentFor(ctx, did, previousVersionId);
    authorizeChange(ctx, current);
    verifyOperation(operation(ctx, 'deactivate', did, previousVersionId), current.document, proof);
    const record = nextVersion(ctx, current, current.document, true);
    await store(ctx, record);
    return JSON.stringify({ did, versionId: String(record.versionId), deactivated: true });
  }

  /** `{ did, versionId?, versionTime? }` → DID Resolution result. */
  @Transaction(false)
  @Returns('string')
  async ResolveDid(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const did = str(f, 'did', DID_RULE);
    if (f.versionId !== undefined && f.versionTime !== undefined) {
      throw inputError('request', 'give versionId or versionTime, not both');
    }
    let selector: VersionSelector = {};
    if (f.versionId !== undefined) selector = { versionId: Number(versionIdOf(f, 'versionId')) };
    if (f.versionTime !== undefined) selector = { versionTime: instant(f, 'versionTime') };
    return JSON.stringify(await resolveDid(ctx, did, selector));
  }

  /**
   * `{ did }` → `{ did, role, keyLevelPolicy }`: the organisations whose peers must endorse any
   * change to the DID's current record (a mall DID: that mall), or null for the channel policy.
   */
  @Transaction(false)
  @Returns('string')
  async GetEndorsementPolicy(ctx: MallContext, arg: string): Promise<string> {
    const did = str(parseRequest(arg), 'did', DID_RULE);
    const record = await getDid(ctx, did);
    if (!record) throw notFound('DID', did);
    const orgs = await keyLevelOrgs(ctx, didKey(ctx, did));
    return JSON.stringify({ did, role: record.role, keyLevelPolicy: orgs === null ? null : { role: 'PEER', orgs } });
  }
}
