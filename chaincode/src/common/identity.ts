import { Context } from 'fabric-contract-api';
import { X509Certificate } from 'node:crypto';
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
 * (`OU=admin` / `OU=client`), read from the X.509 subject itself: the `/`-joined subject of
 * `getID()` cannot tell an OU from a CN that contains `/OU=admin`. A creator without an
 * X.509 certificate or without a role OU is a plain `member` and passes no role check.
 */
export function caller(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  const id = ctx.clientIdentity.getID();
  return { mspId, role: roleFromCertificate(ctx.clientIdentity.getIDBytes()), id };
}

const ROLES = ['admin', 'client', 'peer', 'orderer'] as const;

/**
 * The NodeOU role in a PEM certificate's subject; `member` when it names none. Fabric's MSP
 * compares an OU with the configured NodeOU identifiers (`admin`, `client`, `peer`, `orderer`
 * in the network's config.yaml) exactly, case included, and refuses an identity carrying more
 * than one of them; so do we: `OU=Admin` is no role, `OU=client` + `OU=admin` is none either.
 */
export function roleFromCertificate(pem: Uint8Array): Role {
  let subject: string;
  try {
    subject = new X509Certificate(Buffer.from(pem)).subject;
  } catch {
    return 'member';
  }
  // One attribute per line ("OU=client"); values are escaped, so a line is one attribute.
  const ous = subject
    .split('\n')
    .filter((line) => line.startsWith('OU='))
    .map((line) => line.slice(3));
  const roles = ROLES.filter((role) => ous.includes(role));
  return roles.length === 1 && roles[0] !== undefined ? roles[0] : 'member';
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
