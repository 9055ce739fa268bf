import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a webhook may not reach unless allow-listed, each with the name a refusal gives it: every block of
 * the IANA IPv4 and IPv6 Special-Purpose Address Registries that is not globally reachable (checked against both
 * registries as of 2025; entries marked globally reachable — AS112, AMT, PCP/TURN anycast, ORCHIDv2, drone DETs — are
 * public unicast and pass), plus multicast, which the registries list elsewhere. Order matters only for the name:
 * the first matching entry names the class.
 */
const DISALLOWED: readonly (readonly [string, number, 'ipv4' | 'ipv6', string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address (RFC 1918)'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (CGNAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address (RFC 1918)'],
  // IETF protocol assignments (DS-Lite, NAT64 discovery and others).
  ['192.0.0.0', 24, 'ipv4', 'a reserved address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a deprecated 6to4 relay anycast address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address (RFC 1918)'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['::', 96, 'ipv6', 'a deprecated IPv4-compatible address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'ipv6', 'a NAT64 address'],
  ['100::', 64, 'ipv6', 'a discard address'],
  ['100:0:0:1::', 64, 'ipv6', 'a dummy address'],
  ['2001::', 32, 'ipv6', 'a Teredo address'],
  ['2001:2::', 48, 'ipv6', 'a benchmarking address'],
  ['2001:10::', 28, 'ipv6', 'a deprecated ORCHID address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['3fff::', 20, 'ipv6', 'a documentation address'],
  ['5f00::', 16, 'ipv6', 'a segment routing (SRv6) SID'],
  ['fc00::', 7, 'ipv6', 'a unique local address (ULA)'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const CLASSES = DISALLOWED.map(([net, prefix, family, name]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, name };
});

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Why `address` is not a public unicast address, or `undefined` when it is. IPv4-mapped IPv6
 * addresses (`::ffff:127.0.0.1`) are checked as the IPv4 address they carry.
 */
export function disallowedClass(address: string): string | undefined {
  const family = familyOf(address);
  return CLASSES.find((c) => c.list.check(address, family))?.name;
}

/** `WEBHOOK_ALLOWED_HOSTS`: CIDRs, addresses and host names (exact) that internal receivers may use. */
export class AllowList {
  readonly #nets = new BlockList();
  readonly #hosts = new Set<string>();

  constructor(readonly entries: readonly string[]) {
    for (const e of entries) {
      const [addr = '', bits] = e.split('/');
      const family = isIP(addr);
      if (family === 0) this.#hosts.add(e.toLowerCase());
      else
        this.#nets.addSubnet(
          addr,
          bits === undefined ? (family === 4 ? 32 : 128) : Number(bits),
          family === 4 ? 'ipv4' : 'ipv6',
        );
    }
  }

  hasHost(hostname: string): boolean {
    return this.#hosts.has(hostname.toLowerCase());
  }

  hasAddress(address: string): boolean {
    return this.#nets.check(address, familyOf(address));
  }
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/** The problem with one allow-list entry, or `undefined` when it is a CIDR, an address or a host name. */
export function allowListEntryProblem(entry: string): string | undefined {
  const [addr = '', bits, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0)
    return bits === undefined && HOST_NAME.test(entry) ? undefined : `${entry} is not a CIDR or host name`;
  return bits === undefined ? undefined : prefixProblem(entry, bits, extra, family === 4 ? 32 : 128);
}

function prefixProblem(entry: string, bits: string, extra: string | undefined, max: number): string | undefined {
  if (extra !== undefined || !/^\d{1,3}$/.test(bits)) return `${entry} is not a CIDR`;
  return Number(bits) > max ? `${entry}: prefix longer than ${max}` : undefined;
}

/** A comma-separated setting as its entries (spaces around commas ignored, empty entries dropped). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
