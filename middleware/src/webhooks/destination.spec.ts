import { loadConfig } from '../config/load-config';
import { DestinationRefusedError, checkDestination, rulesOf, systemResolve } from './destination';
import { allowListEntryProblem, disallowedClass } from './destination-policy';

const env = {
  MALL_MSP_ID: 'MallAMSP',
  DATABASE_URL: 'postgres://x/y',
  LEDGER_NETWORK_FILE: '/n.json',
  LEDGER_PEER_ENDPOINT: 'p:1',
  LEDGER_CHANNEL: 'c',
  LEDGER_CHAINCODE: 'cc',
};

describe('webhook destination policy', () => {
  const rules = rulesOf({ allowedHosts: '', allowedPorts: '80,443' });

  it('refuses localhost through the system resolver (a name that resolves to loopback)', async () => {
    await expect(checkDestination('http://localhost/hook', rules, systemResolve)).rejects.toThrow(
      /^host localhost resolves to (127\.0\.0\.1|::1) is a loopback address/,
    );
  });

  it('classifies addresses: public ones pass, every reserved class is named', () => {
    expect(disallowedClass('93.184.216.34')).toBeUndefined();
    expect(disallowedClass('2606:4700::1111')).toBeUndefined();
    expect(disallowedClass('::ffff:192.168.0.1')).toBe('a private address (RFC 1918)');
    expect(disallowedClass('fc00::1')).toBe('a unique local address (ULA)');
    expect(disallowedClass('100.127.255.255')).toBe('a shared (CGNAT) address');
  });

  it('allows a private address only through the allow-list, and refuses other schemes', async () => {
    const internal = rulesOf({ allowedHosts: '10.0.0.0/8', allowedPorts: '*' });
    await expect(checkDestination('http://10.9.9.9:9999/h', internal, systemResolve)).resolves.toMatchObject({
      address: '10.9.9.9',
    });
    await expect(checkDestination('http://10.9.9.9/h', rules, systemResolve)).rejects.toBeInstanceOf(
      DestinationRefusedError,
    );
    await expect(checkDestination('file:///etc/passwd', internal, systemResolve)).rejects.toThrow(
      'scheme file: is not allowed (http or https)',
    );
  });

  it('validates the allow-list and port settings at start-up, naming the bad entry', () => {
    expect(allowListEntryProblem('10.0.0.0/33')).toBe('10.0.0.0/33: prefix longer than 32');
    expect(allowListEntryProblem('erp.internal')).toBeUndefined();
    expect(() => loadConfig({ ...env, WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8, bad host!' })).toThrow(
      'WEBHOOK_ALLOWED_HOSTS: bad host! is not a CIDR or host name',
    );
    expect(() => loadConfig({ ...env, WEBHOOK_ALLOWED_PORTS: '80;443' })).toThrow(
      'WEBHOOK_ALLOWED_PORTS: must be * or a comma-separated list of ports',
    );
  });
});
