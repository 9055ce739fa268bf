import { TEST_CERTS } from '../../test/support/fake-certs';
import { roleFromCertificate } from './identity';

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

  it('is not fooled by a common name that contains "/OU=admin"', () => {
    expect(roleFromCertificate(Buffer.from(TEST_CERTS.forgedAdmin))).toBe('client');
  });

  it('treats bytes that are not a certificate as a plain member', () => {
    expect(roleFromCertificate(Buffer.from('x509::/OU=admin/CN=x::/CN=ca'))).toBe('member');
  });
});
