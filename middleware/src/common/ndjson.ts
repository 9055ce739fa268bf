import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';

export const NDJSON = 'application/x-ndjson';

export interface NdjsonLimits {
  /** Longest line in bytes (without its line break). */
  readonly maxLineBytes: number;
  /** Most non-blank lines in one body. */
  readonly maxLines: number;
}

/** A bad line: 400 naming its (1-based) number. */
export class NdjsonLineError extends Error {
  override readonly name = 'NdjsonLineError';
  readonly statusCode = 400;
  readonly code = 'INPUT_INVALID';
}

const NEWLINE = 0x0a;

/** A parsed `application/x-ndjson` body: one value per non-blank line, with that line's number. */
export class NdjsonBody {
  constructor(
    readonly values: readonly unknown[],
    readonly lines: readonly number[],
  ) {}
}

/**
 * Splits a byte stream into JSON values, one per line, without ever holding more than one line
 * (≤ `maxLineBytes`) as bytes: a body of many lines is never one string. Blank lines are skipped;
 * `\r\n` is accepted. `push` throws {@link NdjsonLineError} at the first bad line.
 */
export class NdjsonSplitter {
  readonly values: unknown[] = [];
  readonly lines: number[] = [];
  #pieces: Buffer[] = [];
  #pending = 0;
  #line = 0;

  constructor(
    private readonly limits: NdjsonLimits,
    private readonly parse: (text: string) => unknown,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.#take(chunk.subarray(start, nl));
      this.#endLine();
      start = nl + 1;
    }
    this.#take(chunk.subarray(start));
  }

  /** The values, once the stream ended (a last line without a line break counts). */
  end(): NdjsonBody {
    if (this.#pending > 0) this.#endLine();
    return new NdjsonBody(this.values, this.lines);
  }

  #take(part: Buffer): void {
    if (part.length === 0) return;
    this.#pending += part.length;
    // Counted before the line is complete: an endless line is refused as soon as it is too long.
    if (this.#pending > this.limits.maxLineBytes + 1) this.#tooLong(this.#line + 1);
    this.#pieces.push(part);
  }

  #endLine(): void {
    const line = ++this.#line;
    let bytes = this.#pieces.length === 1 ? (this.#pieces[0] as Buffer) : Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#pending = 0;
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    if (bytes.length > this.limits.maxLineBytes) this.#tooLong(line);
    const text = bytes.toString('utf8');
    if (text.trim() === '') return;
    if (this.values.length >= this.limits.maxLines) {
      throw new NdjsonLineError(`line ${line}: more than ${this.limits.maxLines} lines`);
    }
    try {
      this.values.push(this.parse(text));
      this.lines.push(line);
    } catch (e) {
      throw new NdjsonLineError(`line ${line}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  #tooLong(line: number): never {
    throw new NdjsonLineError(`line ${line}: longer than ${this.limits.maxLineBytes} bytes`);
  }
}

/** Route config of a route that takes `application/x-ndjson` (see {@link registerNdjsonParser}). */
export interface NdjsonRouteConfig {
  /**
   * `true`: the handler gets an {@link NdjsonBody} parsed line by line; `'text'`: the body as one string, for
   * routes that must check a digest of the exact bytes before reading the lines (Haide day-end uploads).
   */
  readonly ndjson?: boolean | 'text';
}

/**
 * `application/x-ndjson` bodies, streamed line by line, for routes whose config says `ndjson: true`
 * (415 elsewhere). The route's body limit applies to the whole stream (413), like Fastify's own parsers.
 */
export function registerNdjsonParser(fastify: FastifyInstance, limits: NdjsonLimits): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  const parse = (text: string): unknown => {
    let out: unknown;
    // Synchronous for a string body (it calls back before returning).
    void json({} as FastifyRequest, text, (err, value) => {
      if (err) throw err;
      out = value;
    });
    return out;
  };
  fastify.addContentTypeParser(NDJSON, (request, payload, done) => {
    const mode = (request.routeOptions.config as NdjsonRouteConfig).ndjson;
    if (mode === 'text') {
      readText(payload, request.routeOptions.bodyLimit).then(
        (text) => {
          done(null, text);
        },
        (e: unknown) => {
          done(e as Error, undefined);
        },
      );
      return;
    }
    if (mode !== true) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(NDJSON), undefined);
      return;
    }
    const limit = request.routeOptions.bodyLimit;
    if (Number(request.headers['content-length']) > limit) {
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      return;
    }
    const splitter = new NdjsonSplitter(limits, parse);
    let received = 0;
    const stop = (err: Error | null, body?: unknown): void => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', stop);
      done(err, body);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        stop(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      try {
        splitter.push(chunk);
      } catch (e) {
        stop(e as Error);
      }
    };
    const onEnd = (): void => {
      try {
        stop(null, splitter.end());
      } catch (e) {
        stop(e as Error);
      }
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', stop);
  });
}

/** The whole body as UTF-8 text, refused past `limit` bytes (413) without reading further. */
async function readText(payload: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
