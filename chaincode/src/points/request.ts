/** Field rules shared by the points transactions. */
import { Context } from 'fabric-contract-api';
import { inputError, notFound } from '../common/errors';
import { Fields, ID_RULE, IntRule, StringRule, asObject, int, str } from '../common/validate';
import { getDid } from '../dids/did.store';
import { pointsError } from './model';

/** Upper bound of one amount: large enough for any receipt, small enough that sums stay exact. */
export const MAX_POINTS = 1_000_000_000;
export const AMOUNT_RULE: IntRule = { min: 1, max: MAX_POINTS };
export const MAX_BATCH = 500;

export const DID_RULE: StringRule = {
  max: 200,
  pattern: /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/,
  patternHint: 'must be a DID such as did:mallchain:abc',
};

/** Source references are receipt keys (`orgCode/posNo/flowNo`): the ID rule fits them. */
export const REF_RULE: StringRule = ID_RULE;
export const NONCE_RULE: StringRule = {
  max: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  patternHint: 'may contain only letters, digits, _ and -',
};

/** A program ID member (default name `programId`). */
export const programIdOf = (f: Fields, name = 'programId'): string => str(f, name, ID_RULE);
/** A member DID member (default name `member`). */
export const memberOf = (f: Fields, name = 'member'): string => str(f, name, DID_RULE);
/** A points amount member (default name `amount`). */
export const amountOf = (f: Fields, name = 'amount'): number => int(f, name, AMOUNT_RULE);

/** A member must have an active DID on the ledger before points can be credited to it. */
export async function requireActiveMember(ctx: Context, did: string): Promise<void> {
  requireActive(did, await getDid(ctx, did));
}

/** The check of {@link requireActiveMember} on a DID record already read. */
export function requireActive(did: string, record: { deactivated?: unknown } | undefined): void {
  if (!record) throw notFound('member DID', did);
  if (record.deactivated) throw pointsError('POINTS_MEMBER_INACTIVE', `${did} is deactivated`);
}

/** Prefixes a field name with its position in a batch, so an error names the item. */
export function itemFields(value: unknown, index: number): Fields {
  return asObject(value, `items[${index}]`);
}

/** Refuses a request whose two parties are the same. */
export function requireDistinct(a: string, b: string, field: string): void {
  if (a === b) throw inputError(field, `must differ from ${a}`);
}
