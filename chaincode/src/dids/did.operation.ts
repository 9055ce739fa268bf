/**
 * The signed DID operations. A controller signs the JCS bytes of the operation; the
 * operation names the channel, the chaincode, the DID and the version it replaces, so a
 * signature is good for exactly one state transition on one ledger: replaying it, applying
 * it to another channel or to a version that has moved on (a fork) fails.
 */
import { Context } from 'fabric-contract-api';
import { toBytes } from '../common/canonical';
import { ChaincodeError } from '../common/errors';
import { SIGNATURE_RULE, verifySignature } from '../common/signature';
import { Fields, asObject, str } from '../common/validate';
import { DidDocument, DidProof, DidRole, controllerKeyIds } from './did.store';

export const CHAINCODE_NAME = 'mallchain';

export type DidOp = 'create' | 'update' | 'deactivate';

/** Exactly what the controller signs (JCS). `previousVersionId` is `null` for `create`. */
export interface DidOperation {
  op: DidOp;
  channel: string;
  chaincode: typeof CHAINCODE_NAME;
  did: string;
  previousVersionId: string | null;
  role?: DidRole;
  document?: DidDocument;
}

/** The operation object a controller signs, bound to this channel and chaincode. */
export function operation(
  ctx: Context,
  op: DidOp,
  did: string,
  previousVersionId: string | null,
  extra: { role?: DidRole; document?: DidDocument } = {},
): DidOperation {
  return { op, channel: ctx.stub.getChannelID(), chaincode: CHAINCODE_NAME, did, previousVersionId, ...extra };
}

/** Parses `{ kid, signature }` from a request; errors name the members. */
export function parseProof(value: unknown, name = 'proof', kidMax = 140): DidProof {
  const f: Fields = asObject(value, name);
  const kid = str(f, 'kid', { max: kidMax });
  const signature = str(f, 'signature', SIGNATURE_RULE);
  return { kid, signature };
}

/**
 * Checks that `proof` is a signature over JCS(`op`) by a controller key of `document`
 * (the current document for update/deactivate, the new one for create).
 */
export function verifyOperation(op: DidOperation, document: DidDocument, proof: DidProof): void {
  if (!controllerKeyIds(document).includes(proof.kid)) {
    throw new ChaincodeError('AUTH_SIGNATURE', `${proof.kid} is not a controller key of ${op.did}`);
  }
  const method = document.verificationMethod.find((m) => m.id === proof.kid);
  if (!method || !verifySignature(method.publicKeyJwk, toBytes(op), proof.signature)) {
    throw new ChaincodeError('AUTH_SIGNATURE', `signature by ${proof.kid} over the ${op.op} operation does not verify`);
  }
}
