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

  it('refuses every non-global block of the IANA special-purpose registries, at both ends of each block', () => {
    const cases: [string, string][] = [
      ['192.88.99.0', 'a deprecated 6to4 relay anycast address'],
      ['192.88.99.255', 'a deprecated 6to4 relay anycast address'],
      ['192.0.0.9', 'a reserved address'],
      ['255.255.255.255', 'a reserved or broadcast address'],
      ['0.255.255.255', 'an unspecified ("this network") address'],
      ['2001::1', 'a Teredo address'],
      ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'a Teredo address'],
      ['::7f00:1', 'a deprecated IPv4-compatible address'],
      ['::ffff:ffff', 'a deprecated IPv4-compatible address'],
      ['::', 'an unspecified address'],
      ['::1', 'a loopback address'],
      ['100:0:0:1::5', 'a dummy address'],
      ['2001:2::1', 'a benchmarking address'],
      ['2001:10::1', 'a deprecated ORCHID address'],
      ['3fff:fff:ffff::1', 'a documentation address'],
      ['5f00::1', 'a segment routing (SRv6) SID'],
      ['::ffff:192.88.99.1', 'a deprecated 6to4 relay anycast address'],
      ['::ffff:127.0.0.1', 'a loopback address'],
      ['fec0::1', 'a site-local address'],
    ];
    for (const [address, name] of cases) expect([address, disallowedClass(address)]).toEqual([address, name]);
    // Neighbours, and the registries' globally reachable entries, are public.
    for (const address of [
      '192.88.98.255',
      '192.88.100.0',
      '192.31.196.1', // AS112-v4
      '192.52.193.1', // AMT
      '2001:1::1', // PCP anycast
      '2001:3::1', // AMT
      '2001:20::1', // ORCHIDv2
      '2001:1:ffff::1',
      '::1:0:0:0', // just past ::/96
      '4000::1',
    ])
      expect([address, disallowedClass(address)]).toEqual([address, undefined]);
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
