/**
 * Member consent: a signature by a key in the member's DID document over the exact request,
 * bounded by a deadline and made single-use by a nonce kept under the member's own key.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { MallContext, exists, put } from '../common/state';
import { Fields, instant, str } from '../common/validate';
import { parseProof } from '../dids/did.operation';
import { DidProof, verifyDidSignature } from '../dids/did.store';
import { nonceKey, pointsError } from './model';
import { NONCE_RULE } from './request';

/**
 * The furthest a consent's deadline may lie after the transaction time. Deadlines are checked
 * against the transaction time, which the submitter picks within the peer's ±15-minute window:
 * a consent can therefore still be used up to 15 minutes (real time) after its deadline, and
 * this cap keeps every consent short-lived whatever deadline a member app sets.
 */
export const MAX_CONSENT_WINDOW_MS = 60 * 60_000;

/** Consent kids are checked against the member's DID document, so the bound is only a size cap. */
const CONSENT_KID_MAX = 300;

export interface ConsentFields {
  nonce: string;
  deadline: string;
  deadlineMs: number;
  proof: DidProof;
}

/** Consent fields from a request; validated before any state is read. */
export function consentOf(f: Fields): ConsentFields {
  const nonce = str(f, 'nonce', NONCE_RULE);
  const deadlineMs = instant(f, 'deadline');
  const proof = parseProof(f.consent, 'consent', CONSENT_KID_MAX);
  return { nonce, deadline: str(f, 'deadline'), deadlineMs, proof };
}

/**
 * Checks `member`'s signature over `payload`, the deadline against transaction time and
 * the nonce, then records the nonce. Throws POINTS_CONSENT_EXPIRED, POINTS_NONCE_REPLAYED
 * or AUTH_SIGNATURE.
 */
export async function acceptConsent(
  ctx: MallContext,
  member: string,
  payload: object,
  c: ConsentFields,
): Promise<void> {
  const now = txTimeMs(ctx);
  if (now > c.deadlineMs) {
    throw pointsError('POINTS_CONSENT_EXPIRED', `consent deadline ${c.deadline} has passed`);
  }
  if (c.deadlineMs > now + MAX_CONSENT_WINDOW_MS) {
    throw pointsError(
      'POINTS_CONSENT_EXPIRED',
      `consent deadline ${c.deadline} is more than ${MAX_CONSENT_WINDOW_MS / 60_000} minutes after the transaction time`,
    );
  }
  const nKey = nonceKey(ctx, member, c.nonce);
  if (await exists(ctx, nKey))
    throw pointsError('POINTS_NONCE_REPLAYED', `nonce ${c.nonce} was already used by ${member}`);
  await verifyDidSignature(ctx, member, payload, c.proof, 'authentication');
  await put(ctx, 'nonce', nKey, { member, nonce: c.nonce, txId: ctx.stub.getTxID(), usedAt: txTimeIso(ctx) });
}
