/** Reads and writes of points records, with the not-found errors the transactions share. */
import { notFound } from '../common/errors';
import { MallContext, getJson, put, remove } from '../common/state';
import { Lot, Merchant, Program, expiryIndexKey, lotKey, merchantKey, programKey, spentLotKey } from './model';

/** A lot by ID, live or compacted (empty). */
export async function getLot(
  ctx: MallContext,
  member: string,
  programId: string,
  lotId: string,
): Promise<Lot | undefined> {
  return (
    (await getJson<Lot>(ctx, lotKey(ctx, member, programId, lotId))) ??
    (await getJson<Lot>(ctx, spentLotKey(ctx, member, programId, lotId)))
  );
}

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

/**
 * Writes a lot; a new lot also gets its entry in the program's expiry index. A lot left
 * empty is compacted: moved to `plote`, out of the live range that balances and spending
 * read, so a member's reads stay bounded by the lots that still hold points.
 */
export async function putLot(ctx: MallContext, lot: Lot, isNew: boolean): Promise<void> {
  const live = lotKey(ctx, lot.member, lot.programId, lot.lotId);
  if (lot.remaining === 0 && !isNew) {
    await remove(ctx, 'lot', live);
    await put(ctx, 'spentLot', spentLotKey(ctx, lot.member, lot.programId, lot.lotId), lot);
    return;
  }
  await put(ctx, 'lot', live, lot);
  if (isNew) {
    await put(ctx, 'lotExpiry', expiryIndexKey(ctx, lot), { lotId: lot.lotId, member: lot.member });
  }
}
