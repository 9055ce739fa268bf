import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { requireLaterThan, txTimeIso, txTimeMs } from '../common/clock';
import { ChaincodeError, conflict, inputError, notFound } from '../common/errors';
import { sha256Hex } from '../common/signature';
import { MallContext, getJson, put } from '../common/state';
import {
  Fields,
  HEX64_RULE,
  ID_RULE,
  asArray,
  instant,
  int,
  oneOf,
  optStr,
  parseRequest,
  str,
} from '../common/validate';
import { DID_RULE } from '../dids/did.document';
import { parseProof } from '../dids/did.operation';
import { bitAt, decodeList } from './bitstring';
import { verifyInclusion } from './merkle';
import {
  CredentialBatch,
  PURPOSES,
  StatusListVersion,
  authorizeIssuer,
  batchKey,
  getListHead,
  versionInForce,
  issuerPayload,
  listKey,
  listVersionKey,
} from './status.store';

const HEX = { max: 2048, pattern: /^([0-9a-f]{2})+$/, patternHint: 'must be lowercase hex of whole bytes' };

/** What a set bit means, by list purpose. */
const SET_STATUS = { revocation: 'revoked', suspension: 'suspended' } as const;

/** The list as anchored: digest of the encodedList's UTF-8 bytes, with the list itself when given. */
function parseList(f: Fields): { digest: string; encodedList?: string; length?: number } {
  const encodedList = optStr(f, 'encodedList', { max: 200_000 });
  const given = optStr(f, 'digest', HEX64_RULE);
  if (encodedList === undefined) {
    if (given === undefined) throw inputError('request', 'give encodedList or digest');
    return { digest: given };
  }
  const digest = sha256Hex(encodedList);
  if (given !== undefined && given !== digest) throw inputError('digest', 'does not match encodedList');
  return { digest, encodedList, length: decodeList(encodedList).length * 8 };
}

/** A list version without the (large) list itself, for heads and answers. */
function withoutList(record: StatusListVersion): Omit<StatusListVersion, 'encodedList'> {
  const copy: Partial<StatusListVersion> = { ...record };
  delete copy.encodedList;
  return copy as Omit<StatusListVersion, 'encodedList'>;
}

/** The status bit at `index`, or null when only the list's digest was anchored. */
function bitOf(version: StatusListVersion, index: number): 0 | 1 | null {
  if (version.encodedList === undefined) return null;
  const bit = bitAt(decodeList(version.encodedList), index);
  if (bit === undefined) throw inputError('index', `must be below the list length ${version.length ?? 0}`);
  return bit;
}

/**
 * Credential status: issuers anchor Bitstring Status Lists (every version kept) and Merkle
 * roots of credential batches; anyone on the channel checks a credential against them.
 */
@Info({ title: 'status', description: 'Bitstring Status Lists and Merkle roots of credential batches' })
export class StatusContract extends MallContract {
  constructor() {
    super('status');
  }

  /** `{ issuer, listId, purpose, version, encodedList? , digest?, proof }`. */
  @Transaction()
  @Returns('string')
  async AnchorStatusList(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const issuer = str(f, 'issuer', DID_RULE);
    const listId = str(f, 'listId', ID_RULE);
    const purpose = oneOf(f, 'purpose', PURPOSES);
    const version = int(f, 'version', { min: 1 });
    const list = parseList(f);
    const proof = parseProof(f.proof);
    const payload = issuerPayload(ctx, 'anchorStatusList', { issuer, listId, purpose, version, digest: list.digest });
    await authorizeIssuer(ctx, issuer, payload, proof);
    const head = await getListHead(ctx, issuer, listId);
    if (head && head.purpose !== purpose) {
      throw new ChaincodeError('STATUS_PURPOSE', `${listId} is a ${head.purpose} list`);
    }
    const expected = (head?.version ?? 0) + 1;
    if (version !== expected)
      throw new ChaincodeError('STATUS_VERSION', `${listId} expects version ${expected}, got ${version}`);
    if (head) requireLaterThan(ctx, head.anchoredAt, `version ${head.version} of ${listId}`);
    const record: StatusListVersion = {
      issuer,
      listId,
      purpose,
      version,
      ...list,
      anchoredAt: txTimeIso(ctx),
      txId: ctx.stub.getTxID(),
    };
    const headRecord = withoutList(record);
    await put(ctx, 'statusList', listKey(ctx, issuer, listId), headRecord);
    await put(ctx, 'statusListVersion', listVersionKey(ctx, issuer, listId, version), record);
    return JSON.stringify(headRecord);
  }

  /** `{ issuer, batchId, root, size, proof }`; a batch root is anchored once and never changes. */
  @Transaction()
  @Returns('string')
  async AnchorCredentialBatch(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const issuer = str(f, 'issuer', DID_RULE);
    const batchId = str(f, 'batchId', ID_RULE);
    const root = str(f, 'root', HEX64_RULE);
    const size = int(f, 'size', { min: 1, max: 1_000_000_000 });
    const proof = parseProof(f.proof);
    await authorizeIssuer(
      ctx,
      issuer,
      issuerPayload(ctx, 'anchorCredentialBatch', { issuer, batchId, root, size }),
      proof,
    );
    if (await getJson(ctx, batchKey(ctx, issuer, batchId)))
      throw conflict(`batch ${batchId} of ${issuer} is already anchored`);
    const record: CredentialBatch = {
      issuer,
      batchId,
      root,
      size,
      anchoredAt: txTimeIso(ctx),
      txId: ctx.stub.getTxID(),
    };
    await put(ctx, 'credentialBatch', batchKey(ctx, issuer, batchId), record);
    return JSON.stringify(record);
  }

  /** `{ issuer, listId, index, at? }`: the status bit in the list version in force at `at` (default: now). */
  @Transaction(false)
  @Returns('string')
  async CheckCredentialStatus(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const issuer = str(f, 'issuer', DID_RULE);
    const listId = str(f, 'listId', ID_RULE);
    const index = int(f, 'index', { max: 2 ** 31 });
    const at = f.at === undefined ? txTimeMs(ctx) : instant(f, 'at');
    const inForce = await versionInForce(ctx, issuer, listId, at);
    const bit = bitOf(inForce, index);
    const status = bit === null ? 'unknown' : bit === 1 ? SET_STATUS[inForce.purpose] : 'valid';
    return JSON.stringify({ index, at: new Date(at).toISOString(), status, bit, statusList: withoutList(inForce) });
  }

  /** `{ issuer, batchId, leaf, index, path }`: whether the RFC 9162 inclusion proof matches the anchored root. */
  @Transaction(false)
  @Returns('string')
  async VerifyInclusion(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const issuer = str(f, 'issuer', DID_RULE);
    const batchId = str(f, 'batchId', ID_RULE);
    const leaf = Buffer.from(str(f, 'leaf', HEX), 'hex');
    const index = int(f, 'index');
    const path = asArray(f.path, 'path', { max: 64 }).map((p, i) =>
      str({ [`path[${i}]`]: p }, `path[${i}]`, HEX64_RULE),
    );
    const batch = await getJson<CredentialBatch>(ctx, batchKey(ctx, issuer, batchId));
    if (!batch) throw notFound('credential batch', `${batchId} of ${issuer}`);
    const included = verifyInclusion(leaf, index, batch.size, path, batch.root);
    return JSON.stringify({ included, batch });
  }

  /** `{ issuer, listId, version? }`: one anchored version (default: the latest) including the list when stored. */
  @Transaction(false)
  @Returns('string')
  async GetStatusList(ctx: MallContext, arg: string): Promise<string> {
    const f = parseRequest(arg);
    const issuer = str(f, 'issuer', DID_RULE);
    const listId = str(f, 'listId', ID_RULE);
    const head = await getListHead(ctx, issuer, listId);
    if (!head) throw notFound('status list', `${listId} of ${issuer}`);
    const version = f.version === undefined ? head.version : int(f, 'version', { min: 1 });
    const record = await getJson<StatusListVersion>(ctx, listVersionKey(ctx, issuer, listId, version));
    if (!record) throw notFound('status list version', `${version} of ${listId}`);
    return JSON.stringify(record);
  }
}
