import { createHash } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadInputError, UnauthorizedError } from '../../common/errors';
import { NonceStore } from '../../partners/nonce.store';
import { PartnerCredentialsService } from '../../partners/partner-credentials.service';
import { signatureMatches, timestampProblem } from '../../partners/signed-request';
import { asEnvelope, envelopeProblems, haideSign, type HaideEnvelope } from './haide-envelope';

const ENVELOPE_FIELDS = new Set(['appId', 'timestamp', 'nonce', 'orgCode', 'sign']);

/**
 * A GET carries the envelope in its query: appId, timestamp, nonce, orgCode, sign, and `data` is the object of
 * the other parameters plus orgCode (`{ businessDate, orgCode }` for the reconciliation).
 */
function envelopeOfQuery(query: unknown): Record<string, unknown> {
  const q = (query ?? {}) as Record<string, unknown>;
  const env: Record<string, unknown> = {};
  const data: Record<string, unknown> = { orgCode: q.orgCode };
  for (const [k, v] of Object.entries(q)) {
    if (ENVELOPE_FIELDS.has(k)) env[k] = v;
    else data[k] = v;
  }
  return { ...env, data };
}

/** A text body (JSON Lines) is signed through `sha256` = hex SHA-256 of its bytes, a signed query parameter. */
function requireBodyDigest(env: HaideEnvelope, text: string): void {
  const claimed = (env.data as Record<string, unknown>).sha256;
  const actual = createHash('sha256').update(text, 'utf8').digest('hex');
  if (typeof claimed !== 'string' || !signatureMatches(claimed, actual))
    throw new UnauthorizedError('sha256 does not match the body (sign the hex SHA-256 of the uploaded bytes)');
}

/** The envelope of a JSON body, or of the query of a GET or a text upload; 400 naming what is malformed. */
function envelopeOfRequest(req: FastifyRequest, text: string | undefined): HaideEnvelope {
  const body = req.method === 'GET' || text !== undefined ? envelopeOfQuery(req.query) : req.body;
  const problems = envelopeProblems(body);
  if (problems.length > 0) throw new BadInputError(problems.join('; '));
  return asEnvelope(body as Record<string, unknown>);
}

export type HaideRequest = FastifyRequest & { haide?: HaideEnvelope };

/**
 * Verifies the Haide envelope before anything else runs: shape (400), timestamp window, appId (active, Haide,
 * this mall), orgCode of that appId, signature, and last the nonce — so a forged request never uses up one.
 * Anything refused is 401 and nothing is stored.
 */
@Injectable()
export class HaideEnvelopeGuard implements CanActivate {
  constructor(
    private readonly partners: PartnerCredentialsService,
    private readonly nonces: NonceStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HaideRequest>();
    const text = typeof req.body === 'string' ? req.body : undefined;
    const env = envelopeOfRequest(req, text);
    const skew = timestampProblem(Number(env.timestamp), Date.now());
    if (skew !== undefined) throw new UnauthorizedError(skew);
    const partner = await this.partners.resolve(env.appId);
    if (partner?.kind !== 'haide') throw new UnauthorizedError(`appId ${env.appId} is unknown or revoked`);
    if (partner.orgCode !== env.orgCode)
      throw new UnauthorizedError(`orgCode ${env.orgCode} is not the orgCode of appId ${env.appId}`);
    const expected = haideSign(partner.secret, env.appId, env.timestamp, env.nonce, env.data);
    if (!signatureMatches(env.sign, expected)) throw new UnauthorizedError('sign does not match the request');
    if (text !== undefined) requireBodyDigest(env, text);
    if (!(await this.nonces.claim(env.appId, env.nonce, Number(env.timestamp))))
      throw new UnauthorizedError(`nonce ${env.nonce} was already used`);
    req.haide = env;
    return true;
  }
}
