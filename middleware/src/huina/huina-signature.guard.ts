import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SignatureError } from '../common/errors';
import { NONCE_PATTERN, TIMESTAMP_SKEW_MS, signatureMatches } from './huina-signature';
import {
  PARTNER_CREDENTIALS,
  PARTNER_NONCES,
  type PartnerCredential,
  type PartnerCredentials,
  type PartnerNonces,
} from './partner-credentials.port';
import type { RawBodyRequest } from './raw-body';

export type PartnerRequest = RawBodyRequest & { partner?: PartnerCredential };

const B64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

function header(req: RawBodyRequest, name: string, valid: (v: string) => boolean): string {
  const v = req.headers[name];
  if (typeof v !== 'string' || v === '') throw new SignatureError('SIGNATURE_HEADERS', `missing header ${name}`);
  if (!valid(v)) throw new SignatureError('SIGNATURE_HEADERS', `header ${name} is malformed`);
  return v;
}

/**
 * Verifies the API-gateway style signature of a Huina request (X-Ca-Key, X-Ca-Timestamp, X-Ca-Nonce,
 * X-Ca-Signature over the raw body), in the order that costs an attacker most: clock, credential, HMAC, and only
 * then the nonce (a forged request cannot burn a genuine client's nonce).
 */
@Injectable()
export class HuinaSignatureGuard implements CanActivate {
  constructor(
    @Inject(PARTNER_CREDENTIALS) private readonly credentials: PartnerCredentials,
    @Inject(PARTNER_NONCES) private readonly nonces: PartnerNonces,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PartnerRequest>();
    const appId = header(req, 'x-ca-key', (v) => v.length <= 128);
    const timestamp = header(req, 'x-ca-timestamp', (v) => /^\d{13}$/.test(v));
    const nonce = header(req, 'x-ca-nonce', (v) => NONCE_PATTERN.test(v));
    const signature = header(req, 'x-ca-signature', (v) => B64_SHA256.test(v));
    const ts = Number(timestamp);
    if (Math.abs(Date.now() - ts) > TIMESTAMP_SKEW_MS)
      throw new SignatureError('SIGNATURE_TIMESTAMP', 'X-Ca-Timestamp is more than 5 minutes off');
    const cred = await this.credentials.resolve(appId);
    if (cred?.kind !== 'huina' || cred.mallMspId !== this.config.mallMspId)
      throw new SignatureError('SIGNATURE_APP', `unknown appId ${appId}`);
    const body = req.rawBody ?? Buffer.alloc(0);
    if (!signatureMatches(cred.secret, { method: req.method, path: req.url, timestamp, nonce, body }, signature))
      throw new SignatureError('SIGNATURE_INVALID', 'X-Ca-Signature does not match');
    if (!(await this.nonces.claim(appId, nonce, ts)))
      throw new SignatureError('SIGNATURE_REPLAY', 'X-Ca-Nonce was already used');
    req.partner = cred;
    return true;
  }
}
