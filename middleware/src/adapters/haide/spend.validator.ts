/** `data` of `/haide/v1/points/redeem` and `/haide/v1/points/adjust` (docs/haide.md), every problem by field. */
import { type RedeemConsentPayload, type SignedConsent, decodeCompactConsent } from '@mallchain/wire';
import { BadInputError } from '../../common/errors';
import { CODE, CODE_RULE } from '../../points/dto/registry.dto';
import { isRecord } from './receipt.validator';

/** At most this many points in one redemption or adjustment (the chaincode's amount bound is larger). */
export const SPEND_POINTS_MAX = 10_000_000;
const REASON = /^[A-Za-z0-9_.-]{1,32}$/;

export type RedeemConsent = SignedConsent & { readonly payload: RedeemConsentPayload };

export interface RedeemData {
  readonly posNo: string;
  readonly flowNo: string;
  readonly cardNo: string;
  readonly points: number;
  readonly consent?: RedeemConsent;
  readonly raw: Record<string, unknown>;
}

export interface AdjustData {
  readonly adjustNo: string;
  readonly cardNo: string;
  /** Signed: > 0 credits (an accrual), < 0 debits (points:Adjust). */
  readonly points: number;
  readonly reasonCode: string;
  readonly memo?: string;
  readonly raw: Record<string, unknown>;
}

function only(data: Record<string, unknown>, fields: readonly string[]): void {
  const extra = Object.keys(data).find((k) => !fields.includes(k));
  if (extra !== undefined) throw new BadInputError(`data.${extra}: property should not exist`);
}

function code(data: Record<string, unknown>, name: string): string {
  const v = data[name];
  if (typeof v !== 'string' || !CODE.test(v)) throw new BadInputError(`data.${name} ${CODE_RULE}`);
  return v;
}

function cardNo(data: Record<string, unknown>): string {
  const v = data.cardNo;
  if (typeof v !== 'string' || v.length < 1 || v.length > 64) {
    throw new BadInputError('data.cardNo must be a string of 1 to 64 characters');
  }
  return v;
}

export function redeemDataOf(data: unknown): RedeemData {
  if (!isRecord(data)) throw new BadInputError('data must be { posNo, flowNo, cardNo, points, consent? }');
  only(data, ['posNo', 'flowNo', 'cardNo', 'points', 'consent']);
  const points = data.points;
  if (!Number.isSafeInteger(points) || (points as number) < 1 || (points as number) > SPEND_POINTS_MAX) {
    throw new BadInputError(`data.points must be an integer from 1 to ${SPEND_POINTS_MAX}`);
  }
  let consent: RedeemConsent | undefined;
  if (data.consent !== undefined) {
    if (typeof data.consent !== 'string') throw new BadInputError('data.consent must be the wallet string mcc1.…');
    const decoded = decodeCompactConsent(data.consent);
    if (typeof decoded === 'string') throw new BadInputError(`data.${decoded}`);
    if (decoded.payload.action !== 'points.redeem') throw new BadInputError('data.consent is not a redeem consent');
    consent = decoded as RedeemConsent;
  }
  return {
    posNo: code(data, 'posNo'),
    flowNo: code(data, 'flowNo'),
    cardNo: cardNo(data),
    points: points as number,
    consent,
    raw: data,
  };
}

export function adjustDataOf(data: unknown): AdjustData {
  if (!isRecord(data)) throw new BadInputError('data must be { adjustNo, cardNo, points, reasonCode, memo? }');
  only(data, ['adjustNo', 'cardNo', 'points', 'reasonCode', 'memo']);
  const points = data.points;
  if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points as number) > SPEND_POINTS_MAX) {
    throw new BadInputError(`data.points must be a non-zero integer from -${SPEND_POINTS_MAX} to ${SPEND_POINTS_MAX}`);
  }
  const reasonCode = data.reasonCode;
  if (typeof reasonCode !== 'string' || !REASON.test(reasonCode)) {
    throw new BadInputError('data.reasonCode must be 1 to 32 letters, digits, _ . -');
  }
  const memo = data.memo;
  if (memo !== undefined && (typeof memo !== 'string' || memo.length > 200)) {
    throw new BadInputError('data.memo must be a string of at most 200 characters');
  }
  return {
    adjustNo: code(data, 'adjustNo'),
    cardNo: cardNo(data),
    points: points as number,
    reasonCode,
    memo,
    raw: data,
  };
}
