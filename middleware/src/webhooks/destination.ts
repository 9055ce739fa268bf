import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AllowList, disallowedClass, splitList } from './destination-policy';

/** Resolves a host name to every address it has (the system resolver by default; tests inject one). */
export type ResolveHost = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Injection token of the {@link ResolveHost} the webhooks use. */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

export interface DestinationRules {
  readonly allow: AllowList;
  /** Ports a receiver may listen on; `undefined`: any. */
  readonly ports: ReadonlySet<number> | undefined;
}

/** A destination the policy refuses; the message names the problem (it is the 400 and the `lastError`). */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
}

/** A checked destination: the URL and the one address the request must connect to. */
export interface Destination {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * Resolves `raw`'s host and refuses it unless every address it has is a public unicast one (or
 * allow-listed, or the host name itself is), on an allowed port, over http or https. The
 * returned address is the one to connect to: resolving again later could answer otherwise.
 */
export async function checkDestination(
  raw: string,
  rules: DestinationRules,
  resolve: ResolveHost,
): Promise<Destination> {
  const url = new URL(raw);
  checkPort(url, rules);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) === 0 ? await resolveAll(host, resolve) : [{ address: host, family: isIP(host) }];
  const first = addresses[0];
  if (first === undefined) throw new DestinationRefusedError(`host ${host} does not resolve`);
  if (!rules.allow.hasHost(host)) for (const a of addresses) checkAddress(host, a.address, rules.allow);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

function checkPort(url: URL, rules: DestinationRules): void {
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined)
    throw new DestinationRefusedError(`scheme ${url.protocol} is not allowed (http or https)`);
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (rules.ports !== undefined && !rules.ports.has(port)) {
    throw new DestinationRefusedError(
      `port ${port} is not allowed (WEBHOOK_ALLOWED_PORTS: ${[...rules.ports].join(', ')})`,
    );
  }
}

function checkAddress(host: string, address: string, allow: AllowList): void {
  const why = allow.hasAddress(address) ? undefined : disallowedClass(address);
  if (why === undefined) return;
  const via = address === host ? '' : `host ${host} resolves to `;
  throw new DestinationRefusedError(`${via}${address} is ${why}; not allowed as a webhook destination`);
}

async function resolveAll(host: string, resolve: ResolveHost): Promise<readonly LookupAddress[]> {
  try {
    return await resolve(host);
  } catch {
    throw new DestinationRefusedError(`host ${host} does not resolve`);
  }
}

/** A lookup that answers only the checked address: the socket connects there and nowhere else. */
function pinned(d: Destination): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [{ address: d.address, family: d.family }]);
    } else callback(null, d.address, d.family);
  };
}

export interface PostResult {
  /** `undefined` on 2xx; otherwise a coarse reason (`HTTP 500`, `connect refused`, `timeout`), never the receiver's body. */
  readonly error: string | undefined;
}

/**
 * POSTs `body` to the checked destination, connecting to its pinned address (Host header and TLS
 * server name stay the URL's host). Redirects are not followed: a 3xx is a failed delivery.
 */
export function postTo(
  d: Destination,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const send = d.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(d.url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
      lookup: pinned(d),
      timeout: timeoutMs,
    });
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve({ error: status >= 200 && status < 300 ? undefined : `HTTP ${status}` });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      resolve({ error: coarse(e) });
    });
    req.end(body);
  });
}

const CODES: readonly [RegExp, string][] = [
  [/^ECONNREFUSED$/, 'connect refused'],
  [/^(ETIMEDOUT|ESOCKETTIMEDOUT)$/, 'timeout'],
  [/^(ECONNRESET|EPIPE)$/, 'connection reset'],
  [/^(ENOTFOUND|EAI_AGAIN)$/, 'host does not resolve'],
  [/^(EHOSTUNREACH|ENETUNREACH)$/, 'host unreachable'],
  [/CERT|TLS|SSL/, 'TLS error'],
];

function coarse(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  return CODES.find(([re]) => re.test(code))?.[1] ?? 'delivery failed';
}

/** The destination rules of the webhook settings (`WEBHOOK_ALLOWED_HOSTS`, `WEBHOOK_ALLOWED_PORTS`). */
export function rulesOf(config: { readonly allowedHosts: string; readonly allowedPorts: string }): DestinationRules {
  const ports = config.allowedPorts.trim() === '*' ? undefined : new Set(splitList(config.allowedPorts).map(Number));
  return { allow: new AllowList(splitList(config.allowedHosts)), ports };
}
