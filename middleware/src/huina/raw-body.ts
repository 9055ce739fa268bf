import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The request body bytes as received, for routes whose signature covers them. */
export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

/** The body, or undefined once it exceeds `limit` bytes (the rest is not read). */
async function collect(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * Keeps the raw body of requests under `prefix` on `request.rawBody` (signatures are checked over the bytes, not
 * over re-serialised JSON); other routes are untouched. The JSON parser then reads the same bytes.
 */
export function captureRawBody(fastify: FastifyInstance, prefix: string, limit: number): void {
  fastify.addHook('preParsing', async (request: RawBodyRequest, reply, payload) => {
    if (!request.url.startsWith(prefix)) return payload;
    const body = await collect(payload, limit);
    if (body === undefined) {
      // Answered here, in the adapter's envelope; the unread rest of the upload ends with the connection.
      await reply
        .code(413)
        .header('connection', 'close')
        .send({
          success: false,
          statusCode: 'BODY_TOO_LARGE',
          message: `body is larger than ${limit} bytes`,
          data: null,
        });
      return Readable.from([]);
    }
    request.rawBody = body;
    return Readable.from([body]);
  });
}
