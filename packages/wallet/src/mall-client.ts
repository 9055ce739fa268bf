/**
 * The wallet's HTTP client of a mall's middleware: it relays the wallet's signed DID operations to `/v1/dids`
 * (API key with the dids:write scope; the mall submits them through its intake, so the answer is a durable
 * 202 ack and {@link MallClient.waitCommitted} follows it to the ledger) and resolves through the public DID
 * Resolution binding `GET /1.0/identifiers/{did}`. The wallet's keys never leave it: what goes over the wire
 * is the request the wallet already signed.
 */
import type { ClaimRequest, CreateDidRequest, DeactivateDidRequest, DidDocument, UpdateDidRequest } from './did';

export interface MallClientOptions {
  /** The middleware's base URL, e.g. `https://mall-a.example.com` (no trailing path). */
  readonly url: string;
  /** An API key of that mall with dids:write (submitting) and intake:read (following); not needed to resolve. */
  readonly apiKey?: string;
  /** Per-request timeout in milliseconds (default 15 s). */
  readonly timeoutMs?: number;
}

/** The mall's durable answer to a relayed operation. */
export interface IntakeAck {
  readonly trackingId: string;
  readonly outcome: 'accepted' | 'duplicate';
  readonly status: 'pending' | 'committed' | 'dead';
}

/** The home mall's answer to a custodial DID claim. */
export interface ClaimAnswer {
  readonly did: string;
  readonly status: 'claimed';
  readonly trackingId: string;
  readonly outcome: 'accepted' | 'duplicate';
}

export interface IntakeStatus extends IntakeAck {
  readonly txId: string | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
}

export interface ResolveOptions {
  readonly versionId?: string;
  readonly versionTime?: string;
}

/** A DID Resolution result (W3C DID Resolution); `status` is the binding's HTTP status (200, or 410 deactivated). */
export interface Resolution {
  readonly status: number;
  readonly didDocument: DidDocument | null;
  readonly didDocumentMetadata: Record<string, unknown> & { versionId?: string; deactivated?: boolean };
  readonly didResolutionMetadata: Record<string, unknown>;
}

/** A refusal by the mall (4xx/5xx) or a failure to reach it (status 0), with what the mall said. */
export class MallError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'MallError';
  }
}

const RESOLUTION = 'application/did-resolution';

export class MallClient {
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(o: MallClientOptions) {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      throw new Error(`mall URL ${JSON.stringify(o.url)} is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`mall URL must be http(s): ${o.url}`);
    this.#url = o.url.replace(/\/+$/, '');
    this.#apiKey = o.apiKey === '' ? undefined : o.apiKey;
    this.#timeoutMs = o.timeoutMs ?? 15_000;
  }

  /** `POST /v1/dids`. */
  createDid(r: CreateDidRequest): Promise<IntakeAck> {
    return this.#write('/v1/dids', r);
  }

  /** `POST /v1/dids/{did}/update` (an update or a key rotation). */
  updateDid(r: UpdateDidRequest): Promise<IntakeAck> {
    const { did, ...body } = r;
    return this.#write(`/v1/dids/${encodeURIComponent(did)}/update`, body);
  }

  /** `POST /v1/dids/{did}/deactivate`. */
  deactivateDid(r: DeactivateDidRequest): Promise<IntakeAck> {
    const { did, ...body } = r;
    return this.#write(`/v1/dids/${encodeURIComponent(did)}/deactivate`, body);
  }

  /**
   * `POST /v1/custodial-dids/claim` at the DID's home mall (a key with points:write): the mall checks the wallet
   * key's proof of possession, signs the update with the custodial key, submits it and destroys that key.
   */
  claimCustodialDid(r: ClaimRequest): Promise<ClaimAnswer> {
    return this.#write<ClaimAnswer>('/v1/custodial-dids/claim', r);
  }

  /** `GET /v1/intake/{trackingId}`. */
  async intake(trackingId: string): Promise<IntakeStatus> {
    const r = await this.#request('GET', `/v1/intake/${encodeURIComponent(trackingId)}`, undefined, true);
    return r.body as IntakeStatus;
  }

  /**
   * Polls the intake item until the ledger committed it; a dead item (the chaincode refused the operation) is a
   * MallError 409 naming the chaincode's error code. Gives up after `timeoutMs` (default 60 s).
   */
  async waitCommitted(trackingId: string, timeoutMs = 60_000, everyMs = 250): Promise<IntakeStatus> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.intake(trackingId);
      if (s.status === 'committed') return s;
      if (s.status === 'dead')
        throw new MallError(
          409,
          `the ledger refused the operation: ${s.errorCode ?? '?'} ${s.lastError ?? ''}`.trim(),
          s,
        );
      if (Date.now() > until)
        throw new MallError(0, `intake item ${trackingId} still ${s.status} after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, everyMs));
    }
  }

  /**
   * `GET /1.0/identifiers/{did}` with `Accept: application/did-resolution`: public, no API key. A deactivated
   * DID (410) is returned (its metadata says `deactivated: true`); other errors throw a MallError with the
   * problem details' title and detail.
   */
  async resolve(did: string, o: ResolveOptions = {}): Promise<Resolution> {
    if (o.versionId !== undefined && o.versionTime !== undefined)
      throw new Error('resolve: give versionId or versionTime, not both');
    const q = new URLSearchParams();
    if (o.versionId !== undefined) q.set('versionId', o.versionId);
    if (o.versionTime !== undefined) q.set('versionTime', o.versionTime);
    const qs = q.toString() === '' ? '' : `?${q.toString()}`;
    const r = await this.#request('GET', `/1.0/identifiers/${encodeURIComponent(did)}${qs}`, undefined, false, [410]);
    return { status: r.status, ...(r.body as Omit<Resolution, 'status'>) };
  }

  async #write<T = IntakeAck>(path: string, body: unknown): Promise<T> {
    return (await this.#request('POST', path, body, true)).body as T;
  }

  async #request(
    method: string,
    path: string,
    body: unknown,
    authed: boolean,
    alsoOk: readonly number[] = [],
  ): Promise<{ status: number; body: unknown }> {
    const res = await this.#send(method, path, body, authed);
    const text = await res.text();
    const parsed = parseJson(text);
    if (res.ok || alsoOk.includes(res.status)) {
      if (typeof parsed !== 'object' || parsed === null)
        throw new MallError(res.status, `${method} ${path}: the mall answered ${res.status} with no JSON body`, text);
      return { status: res.status, body: parsed };
    }
    throw new MallError(res.status, `${method} ${path}: ${res.status} ${describe(parsed)}`, parsed);
  }

  /** fetch rejects with a DOMException (TimeoutError) or a TypeError whose cause says why. */
  #why(e: unknown): string {
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError') return `no answer in ${this.#timeoutMs} ms`;
    return err.cause?.code ?? err.cause?.message ?? err.message ?? 'unreachable';
  }

  async #send(method: string, path: string, body: unknown, authed: boolean): Promise<Response> {
    if (authed && this.#apiKey === undefined)
      throw new Error(`an API key of the mall is needed for ${method} ${path} (MALLCHAIN_MALL_API_KEY for the CLI)`);
    const headers: Record<string, string> = { accept: path.startsWith('/1.0/') ? RESOLUTION : 'application/json' };
    if (authed && this.#apiKey !== undefined) headers['x-api-key'] = this.#apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.#url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new MallError(0, `${method} ${this.#url}${path}: ${this.#why(e)}`);
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: kept as text for the error
  }
}

/** The mall's explanation: middleware errors carry `code`/`message`, problem details `title`/`detail`. */
function describe(body: unknown): string {
  if (typeof body !== 'object' || body === null) return String(body).slice(0, 200);
  const b = body as Record<string, unknown>;
  const parts = [b.code ?? b.error ?? b.title, b.message ?? b.detail].filter((x) => x !== undefined);
  const text = parts
    .map((x) => (Array.isArray(x) ? x.map((y) => JSON.stringify(y)).join('; ') : JSON.stringify(x)))
    .map((x) => x.replace(/^"(.*)"$/, '$1'))
    .join(': ');
  return text === '' ? JSON.stringify(body).slice(0, 200) : text;
}
