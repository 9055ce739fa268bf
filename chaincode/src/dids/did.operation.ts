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
import { CHAINCODE_NAME, type DidOp, type DidOperationPayload, didOperationPayload } from '../wire/signed-payloads';
import { DidDocument, DidProof, DidRole, controllerKeyIds } from './did.store';

export { CHAINCODE_NAME, type DidOp };

/** Exactly what the controller signs (JCS), as defined once in wire/signed-payloads.ts. */
export type DidOperation = DidOperationPayload<DidDocument>;

/** The operation object a controller signs, bound to this channel and chaincode. */
export function operation(
  ctx: Context,
  op: DidOp,
  did: string,
  previousVersionId: string | null,
  extra: { role?: DidRole; document?: DidDocument } = {},
): DidOperation {
  return didOperationPayload({ channel: ctx.stub.getChannelID() }, op, did, previousVersionId, extra);
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
