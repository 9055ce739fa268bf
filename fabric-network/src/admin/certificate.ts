/** Reading X.509 certificates of MSP identities: subject, NodeOU role, serial, issuer check. */
import { X509Certificate } from 'node:crypto';
import { Role } from './policy';

export interface CertificateInfo {
  readonly commonName: string;
  readonly organizationalUnits: readonly string[];
  /** NodeOU role (the OU that cryptogen and fabric-ca set: admin, client, peer, orderer). */
  readonly role: Role;
  /** Upper-case hex, as openssl prints it. */
  readonly serial: string;
  readonly notAfter: string;
  readonly issuer: string;
}

const ROLES: readonly Role[] = ['admin', 'client', 'peer', 'orderer'];

function field(dn: string, name: string): string[] {
  return dn
    .split('\n')
    .filter((l) => l.startsWith(`${name}=`))
    .map((l) => l.slice(name.length + 1));
}

export function certificateInfo(pem: string | Buffer): CertificateInfo {
  const cert = new X509Certificate(pem);
  const ous = field(cert.subject, 'OU');
  const role = ROLES.find((r) => ous.includes(r)) ?? 'unknown';
  return {
    commonName: field(cert.subject, 'CN')[0] ?? cert.subject,
    organizationalUnits: ous,
    role,
    serial: cert.serialNumber.toUpperCase(),
    notAfter: new Date(cert.validTo).toISOString(),
    issuer: field(cert.issuer, 'CN')[0] ?? cert.issuer,
  };
}

/** True when `pem` was signed by one of the CA certificates (the MSP's root certs). */
export function issuedByAny(pem: string | Buffer, caPems: readonly (string | Buffer)[]): boolean {
  const cert = new X509Certificate(pem);
  return caPems.some((ca) => {
    const root = new X509Certificate(ca);
    return cert.checkIssued(root) && cert.verify(root.publicKey);
  });
}
