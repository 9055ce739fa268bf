/**
 * Who may submit DID operations. The controller's signature is what authorizes a change;
 * the submitter check adds the mall world's ownership on top of it: a mall's, device's or
 * merchant's DID is managed through its own organisation, a member's through any mall.
 */
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { Caller, requireAdminOf, requireMemberOf, requireOrgUser } from '../common/identity';
import { authError } from '../common/errors';
import { DidRecord, DidRole } from './did.store';

/** Checks the submitter of a create and returns the owning organisation (none for members). */
export function authorizeCreate(ctx: Context, role: DidRole): { who: Caller; ownerMsp?: string } {
  const who = requireOrgUser(ctx);
  if (role === 'member') return { who };
  if ((role === 'device' || role === 'mall') && who.role !== 'admin') {
    throw authError('AUTH_ROLE', `a ${role} DID is created by an admin of its mall; caller is ${who.role}`);
  }
  return { who, ownerMsp: who.mspId };
}

/** Checks the submitter of an update or deactivation of `record`. */
export function authorizeChange(ctx: Context, record: DidRecord): Caller {
  if (record.role === 'member' || record.ownerMsp === undefined) return requireOrgUser(ctx);
  if (record.role === 'merchant') return requireMemberOf(ctx, record.ownerMsp);
  return requireAdminOf(ctx, record.ownerMsp);
}

/**
 * Endorsement-policy bytes that require a peer of `mspId`: set on a mall DID's keys so the
 * other malls' peers alone cannot endorse a change to it (state-based endorsement).
 */
export function mallEndorsementPolicy(mspId: string): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', mspId);
  return policy.getPolicy();
}

/** Applies {@link mallEndorsementPolicy} to the given keys when the record is a mall's. */
export async function protectMallKeys(ctx: Context, record: DidRecord, keys: string[]): Promise<void> {
  if (record.role !== 'mall' || record.ownerMsp === undefined) return;
  const policy = mallEndorsementPolicy(record.ownerMsp);
  for (const k of keys) await ctx.stub.setStateValidationParameter(k, policy);
}

/**
 * Organisations whose peers a key-level endorsement policy on `stateKey` requires, or null when
 * the key follows the chaincode's policy. Reads committed metadata, so operators (and tests) can
 * see on any peer who guards a DID.
 */
export async function keyLevelOrgs(ctx: Context, stateKey: string): Promise<string[] | null> {
  // A real peer answers undefined (not empty bytes) for a key without metadata.
  const bytes = (await ctx.stub.getStateValidationParameter(stateKey)) as Uint8Array | undefined;
  if (bytes === undefined || bytes.length === 0) return null;
  return new KeyEndorsementPolicy(Buffer.from(bytes)).listOrgs().sort();
}
