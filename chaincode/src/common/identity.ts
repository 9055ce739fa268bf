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
 * The OUs are read from the subject's DER as Go's `pkix.Name.FillFromRDNSequence` (hence
 * Fabric) reads them: every OU attribute of every RDN, multi-valued RDNs included
 * (`OU=client+CN=…` is a client; a second role hidden in `CN=…+OU=admin` makes two roles).
 */
export function roleFromCertificate(pem: Uint8Array): Role {
  let ous: string[];
  try {
    ous = subjectOrganizationalUnits(new X509Certificate(Buffer.from(pem)).raw);
  } catch {
    return 'member';
  }
  const roles = ROLES.filter((role) => ous.includes(role));
  return roles.length === 1 && roles[0] !== undefined ? roles[0] : 'member';
}

// ---- the subject's OUs from DER (X.509: Certificate → TBSCertificate → subject Name) ----

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function tlv(der: Uint8Array, pos: number, limit: number): Tlv {
  const tag = der[pos];
  let len = der[pos + 1];
  if (tag === undefined || len === undefined) throw new Error('DER: truncated');
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? Number.NaN);
    start += n;
  }
  const end = start + len;
  if (!Number.isFinite(end) || end > limit) throw new Error('DER: length past the end');
  return { tag, start, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end;) {
    const child = tlv(der, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID_OU = Buffer.from([0x55, 0x04, 0x0b]); // 2.5.4.11

/** A directory string as Go's asn1 decodes it into a string; undefined for other types (skipped, as in Go). */
function directoryString(der: Uint8Array, v: Tlv): string | undefined {
  const bytes = Buffer.from(der.subarray(v.start, v.end));
  switch (v.tag) {
    case 0x0c: // UTF8String
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
      return bytes.toString('utf8');
    case 0x14: // T61String: Go reads it as Latin-1
      return bytes.toString('latin1');
    case 0x1e: // BMPString (UTF-16BE)
      return Buffer.from(bytes).swap16().toString('utf16le');
    default:
      return undefined;
  }
}

/** Every OU value of the certificate's subject, in order, multi-valued RDNs included. */
export function subjectOrganizationalUnits(der: Uint8Array): string[] {
  const subject = subjectOf(der);
  const ous: string[] = [];
  for (const rdn of children(der, subject)) {
    if (rdn.tag !== SET) throw new Error('subject RDN is not a SET');
    for (const atv of children(der, rdn)) {
      const text = ouValue(der, atv);
      if (text !== undefined) ous.push(text);
    }
  }
  return ous;
}

/** The subject Name of a DER certificate. */
function subjectOf(der: Uint8Array): Tlv {
  const cert = tlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  if (cert.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) throw new Error('not a certificate');
  const fields = children(der, tbs);
  // [0] version is optional; then serialNumber, signature, issuer, validity, subject.
  const subject = fields[(fields[0]?.tag === 0xa0 ? 1 : 0) + 4];
  if (subject?.tag !== SEQUENCE) throw new Error('certificate without a subject');
  return subject;
}

/** The value of an AttributeTypeAndValue when it is an OU with a string value. */
function ouValue(der: Uint8Array, atv: Tlv): string | undefined {
  const [oid, value] = children(der, atv);
  if (oid?.tag !== 0x06 || value === undefined) throw new Error('subject attribute without type or value');
  if (!OID_OU.equals(Buffer.from(der.subarray(oid.start, oid.end)))) return undefined;
  return directoryString(der, value);
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
