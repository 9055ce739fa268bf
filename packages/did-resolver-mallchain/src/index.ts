/**
 * A `did-resolver` driver for `did:mallchain`: resolves through a mallchain middleware's DID Resolution HTTP(S)
 * binding (`GET /1.0/identifiers/{did}`) or straight through a Fabric gateway contract (`dids:ResolveDid`).
 *
 * @example
 * ```ts
 * import { Resolver } from 'did-resolver';
 * import { getResolver } from '@mallchain/did-resolver-mallchain';
 * const resolver = new Resolver(getResolver({ url: 'https://resolver.mall-a.example.com' }));
 * const { didDocument } = await resolver.resolve('did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s');
 * ```
 */
import type { DIDResolutionOptions, DIDResolutionResult, DIDResolver, ParsedDID } from 'did-resolver';

/** Through the HTTP(S) binding of a middleware (or a Universal Resolver that runs its driver image). */
export interface HttpResolverOptions {
  /** Base URL, without `/1.0/identifiers`, e.g. `https://resolver.mall-a.example.com`. */
  readonly url: string;
  /** Abort a resolution after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Another `fetch` (a proxy agent, a test double); default the global one. */
  readonly fetch?: typeof fetch;
}

/** The part of a `@hyperledger/fabric-gateway` `Contract` the driver uses. */
export interface EvaluatingContract {
  evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array>;
}

/** Straight through a Fabric gateway: the contract of the `mallchain` chaincode on the consortium channel. */
export interface GatewayResolverOptions {
  readonly gateway: { readonly contract: EvaluatingContract };
}

export type MallchainResolverOptions = HttpResolverOptions | GatewayResolverOptions;

const RESOLUTION = 'application/did-resolution';
const ERROR_CODES: Readonly<Record<string, string>> = {
  'https://www.w3.org/ns/did#INVALID_DID': 'invalidDid',
  'https://www.w3.org/ns/did#NOT_FOUND': 'notFound',
  'https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED': 'representationNotSupported',
  'https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED': 'unsupportedDidMethod',
  'https://www.w3.org/ns/did#INVALID_OPTIONS': 'invalidOptions',
  'https://www.w3.org/ns/did#INTERNAL_ERROR': 'internalError',
};

/**
 * `versionId` / `versionTime` from the DID URL's query (`did:mallchain:…?versionId=2`), its DID parameters
 * (`;versionId=2`) or the resolution options, in that order.
 */
function versionOf(parsed: ParsedDID, options: DIDResolutionOptions): Record<string, string> {
  const query = new URLSearchParams(parsed.query ?? '');
  const pick = (name: string): string | undefined => {
    const fromOptions: unknown = options[name];
    return query.get(name) ?? parsed.params?.[name] ?? (typeof fromOptions === 'string' ? fromOptions : undefined);
  };
  const versionId = pick('versionId');
  const versionTime = pick('versionTime');
  return {
    ...(versionId === undefined ? {} : { versionId }),
    ...(versionTime === undefined ? {} : { versionTime }),
  };
}

function failure(error: string, message?: string): DIDResolutionResult {
  return {
    didResolutionMetadata: { error, ...(message === undefined ? {} : { message }) },
    didDocument: null,
    didDocumentMetadata: {},
  };
}

/** A problem details object (RFC 9457) as did-resolver's error code, with its detail as the message. */
function fromProblem(p: { type?: unknown; detail?: unknown }): DIDResolutionResult {
  const code = typeof p.type === 'string' ? (ERROR_CODES[p.type] ?? p.type) : 'internalError';
  return failure(code, typeof p.detail === 'string' ? p.detail : undefined);
}

/** A result whose `didResolutionMetadata.error` may be a problem details object, as did-resolver expects it. */
function normalise(body: unknown): DIDResolutionResult {
  if (typeof body !== 'object' || body === null)
    return failure('internalError', 'the resolver answered no JSON object');
  const r = body as {
    didResolutionMetadata?: { error?: unknown };
    didDocument?: unknown;
    didDocumentMetadata?: unknown;
  };
  const error: unknown = r.didResolutionMetadata?.error;
  if (typeof error === 'object' && error !== null) return fromProblem(error);
  return {
    didResolutionMetadata: (r.didResolutionMetadata ?? {}) as DIDResolutionResult['didResolutionMetadata'],
    didDocument: (r.didDocument ?? null) as DIDResolutionResult['didDocument'],
    didDocumentMetadata: r.didDocumentMetadata ?? {},
  };
}

function httpResolver(o: HttpResolverOptions): DIDResolver {
  const base = new URL(o.url);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('url must be http(s)');
  const doFetch = o.fetch ?? fetch;
  return async (did, parsed, _resolver, options) => {
    const url = new URL(`${base.pathname.replace(/\/$/, '')}/1.0/identifiers/${encodeURIComponent(did)}`, base);
    for (const [k, v] of Object.entries(versionOf(parsed, options))) url.searchParams.set(k, v);
    try {
      const res = await doFetch(url, {
        headers: { accept: RESOLUTION },
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      return normalise(JSON.parse(text) as unknown);
    } catch (e) {
      return failure('internalError', e instanceof Error ? e.message : String(e));
    }
  };
}

function gatewayResolver(o: GatewayResolverOptions): DIDResolver {
  const contract = o.gateway.contract;
  return async (did, parsed, _resolver, options) => {
    try {
      const raw = await contract.evaluateTransaction(
        'dids:ResolveDid',
        JSON.stringify({ did, ...versionOf(parsed, options) }),
      );
      return normalise(JSON.parse(Buffer.from(raw).toString('utf8')) as unknown);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // The chaincode refuses a malformed request with INPUT_INVALID.
      return failure(/INPUT_INVALID/.test(message) ? 'invalidDid' : 'internalError', message);
    }
  };
}

/**
 * The `did:mallchain` method for `new Resolver(getResolver(...))`: through the HTTP binding (`{ url }`) or a Fabric
 * gateway contract (`{ gateway: { contract } }`). A deactivated DID resolves with `deactivated: true` and a document
 * without keys, so nothing signed by it verifies.
 */
export function getResolver(options: MallchainResolverOptions): { mallchain: DIDResolver } {
  if ('gateway' in options) return { mallchain: gatewayResolver(options) };
  if (typeof options.url !== 'string') throw new TypeError('give { url } or { gateway: { contract } }');
  return { mallchain: httpResolver(options) };
}
