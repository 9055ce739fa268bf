import { BadInputError } from '../../common/errors';
import { isRecord } from './receipt.validator';

export const ACCOUNT_TYPES = ['cardNo', 'mobile', 'memberId'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** `data` of `/haide/v1/member/query`. */
export function memberQueryOf(data: unknown): { accountType: AccountType; accountValue: string } {
  if (!isRecord(data)) throw new BadInputError('data must be { accountType, accountValue }');
  const extra = Object.keys(data).filter((k) => k !== 'accountType' && k !== 'accountValue');
  if (extra.length > 0) throw new BadInputError(`data.${extra[0] ?? ''}: property should not exist`);
  const type = data.accountType;
  if (!(ACCOUNT_TYPES as readonly unknown[]).includes(type))
    throw new BadInputError('data.accountType must be cardNo, mobile or memberId');
  const value = data.accountValue;
  if (typeof value !== 'string' || value.length < 1 || value.length > 64)
    throw new BadInputError('data.accountValue must be a string of 1 to 64 characters');
  return { accountType: type as AccountType, accountValue: value };
}

export interface MemberAnswer {
  readonly memberId: string;
  readonly did: string;
  readonly levelName: string | null;
  readonly points: { available: number; pending: number; expiringWithin30Days: number };
  readonly cards: { cardNo: string; status: string }[];
}
