import { TEST_CERTS } from '../../test/support/fake-certs';
import { X509Certificate } from 'node:crypto';
import { roleFromCertificate, subjectOrganizationalUnits } from './identity';

describe('roleFromCertificate', () => {
  it.each([
    ['a mall admin', TEST_CERTS.mallAAdmin, 'admin'],
    ['a mall client', TEST_CERTS.mallBClient, 'client'],
    ['a certificate without a role OU', TEST_CERTS.unknown, 'member'],
  ] as const)('reads the NodeOU of %s', (_label, pem, role) => {
    expect(roleFromCertificate(Buffer.from(pem))).toBe(role);
  });

  it.each([
    [
      'OU=client and OU=Admin as a client (Fabric matches NodeOU identifiers exactly)',
      TEST_CERTS.clientWithCapitalAdminOu,
      'client',
    ],
    ['OU=ADMIN as no role at all', TEST_CERTS.upperCaseAdminOu, 'member'],
    ['OU=client and OU=admin as no role (Fabric refuses two NodeOU roles)', TEST_CERTS.clientAndAdminOu, 'member'],
  ] as const)('reads %s', (_label, pem, role) => {
    expect(roleFromCertificate(Buffer.from(pem))).toBe(role);
  });

  it.each([
    ['OU=client+CN=… (a multi-valued RDN) as a client, as Fabric does', TEST_CERTS.multiValuedClient, 'client'],
    ['CN=…+OU=admin as an admin, as Fabric does', TEST_CERTS.multiValuedAdmin, 'admin'],
    [
      'OU=client with a second role in CN=…+OU=admin as no role (two roles to Fabric)',
      TEST_CERTS.hiddenSecondRole,
      'member',
    ],
  ] as const)('reads %s', (_label, pem, role) => {
    expect(roleFromCertificate(Buffer.from(pem))).toBe(role);
  });

  it('reads every OU of the subject in order, multi-valued RDNs included', () => {
    const der = new X509Certificate(TEST_CERTS.hiddenSecondRole).raw;
    expect(subjectOrganizationalUnits(der)).toEqual(['client', 'admin']);
    expect(subjectOrganizationalUnits(new X509Certificate(TEST_CERTS.clientAndAdminOu).raw)).toEqual([
      'client',
      'admin',
    ]);
  });

  it('refuses truncated DER rather than reading a role from it', () => {
    const der = new X509Certificate(TEST_CERTS.multiValuedAdmin).raw;
    expect(() => subjectOrganizationalUnits(der.subarray(0, 120))).toThrow(/DER|subject|certificate/);
  });

  it('is not fooled by a common name that contains "/OU=admin"', () => {
    expect(roleFromCertificate(Buffer.from(TEST_CERTS.forgedAdmin))).toBe('client');
  });

  it('treats bytes that are not a certificate as a plain member', () => {
    expect(roleFromCertificate(Buffer.from('x509::/OU=admin/CN=x::/CN=ca'))).toBe('member');
  });
});
