/** Reads and writes of points records, with the not-found errors the transactions share. */
import { notFound } from '../common/errors';
import { MallContext, getJson, put } from '../common/state';
import { Lot, Merchant, Program, expiryIndexKey, lotKey, merchantKey, programKey } from './model';

/** The program, or NOT_FOUND. */
export async function getProgram(ctx: MallContext, programId: string): Promise<Program> {
  const program = await getJson<Program>(ctx, programKey(ctx, programId));
  if (!program) throw notFound('program', programId);
  return program;
}

/** The merchant, or NOT_FOUND. */
export async function getMerchant(ctx: MallContext, merchantId: string): Promise<Merchant> {
  const merchant = await getJson<Merchant>(ctx, merchantKey(ctx, merchantId));
  if (!merchant) throw notFound('merchant', merchantId);
  return merchant;
}

/** Writes a lot; a new lot also gets its entry in the program's expiry index. */
export async function putLot(ctx: MallContext, lot: Lot, isNew: boolean): Promise<void> {
  await put(ctx, 'lot', lotKey(ctx, lot.member, lot.programId, lot.lotId), lot);
  if (isNew) {
    await put(ctx, 'lotExpiry', expiryIndexKey(ctx, lot), { lotId: lot.lotId, member: lot.member });
  }
}
