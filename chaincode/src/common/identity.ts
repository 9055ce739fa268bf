import { Context } from 'fabric-contract-api';
import { authError } from './errors';

/** NodeOU role of the submitting identity, as cryptogen/fabric-ca issue it. */
export type Role = 'admin' | 'client' | 'peer' | 'orderer' | 'member';

export interface Caller {
  /** MSP ID of the submitter's organisation, e.g. `MallAMSP`. */
  readonly mspId: string;
  readonly role: Role;
  /** Stable identifier of the certificate (subject and issuer). */
  readonly id: string;
}

/**
 * Reads who submits from the client identity. The role is the certificate's NodeOU
 * (`OU=admin` / `OU=client`); a certificate without one is treated as a plain `member`
 * and so passes no role check.
 */
export function caller(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  const id = ctx.clientIdentity.getID();
  return { mspId, role: roleFromId(id), id };
}

/** The NodeOU role named in a `getID()` string; `member` when it names none. */
export function roleFromId(id: string): Role {
  // getID() is "x509::<subject>::<issuer>"; subject components are "/"-separated.
  const subject = id.split('::')[1] ?? '';
  const ous = subject
    .split('/')
    .filter((part) => part.startsWith('OU='))
    .map((part) => part.slice(3).toLowerCase());
  for (const role of ['admin', 'client', 'peer', 'orderer'] as const) {
    if (ous.includes(role)) return role;
  }
  return 'member';
}

/** The submitter must be an admin of `mspId`. */
export function requireAdminOf(ctx: Context, mspId: string): Caller {
  const who = caller(ctx);
  if (who.mspId !== mspId) throw authError('AUTH_FORBIDDEN', `only ${mspId} may do this; caller is ${who.mspId}`);
  if (who.role !== 'admin')
    throw authError('AUTH_ROLE', `an admin identity of ${mspId} is required; caller is ${who.role}`);
  return who;
}

/** The submitter must belong to `mspId` (admin or client). */
export function requireMemberOf(ctx: Context, mspId: string): Caller {
  const who = caller(ctx);
  if (who.mspId !== mspId) throw authError('AUTH_FORBIDDEN', `only ${mspId} may do this; caller is ${who.mspId}`);
  if (who.role !== 'admin' && who.role !== 'client') {
    throw authError('AUTH_ROLE', `an admin or client identity of ${mspId} is required; caller is ${who.role}`);
  }
  return who;
}

/** The submitter must be an admin or client of some organisation (any mall). */
export function requireOrgUser(ctx: Context): Caller {
  const who = caller(ctx);
  if (who.role !== 'admin' && who.role !== 'client') {
    throw authError('AUTH_ROLE', `an admin or client identity is required; caller is ${who.role}`);
  }
  return who;
}
