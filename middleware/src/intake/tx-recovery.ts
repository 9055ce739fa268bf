import type { TxStatus } from '../ledger/ledger.port';

/** What the outbox knows about the transaction an item was last sent as (written before sending). */
export interface RecordedTx {
  readonly txId: string | null;
  /** Signed envelope, when the ledger driver could hand it out and it is still kept. */
  readonly envelope: Uint8Array | null;
  readonly sentAt: Date | null;
}

/** What to do with a claimed item before (or instead of) sending a new transaction. */
export type RecoveryStep =
  /**
   * Nothing recorded, or the recorded transaction is on the ledger with a final non-VALID code (it wrote nothing;
   * never DUPLICATE_TXID, which only says another copy was ordered): a new one.
   */
  | { readonly action: 'submit' }
  /** The recorded transaction committed VALID: record it, send nothing. */
  | { readonly action: 'committed'; readonly txId: string; readonly blockNumber: bigint }
  /** Unknown to the ledger but the signed envelope is kept: send that same transaction again (commits at most once). */
  | { readonly action: 'resend'; readonly txId: string; readonly envelope: Uint8Array }
  /** Unknown to the ledger, no envelope, and sent too recently to call it lost: ask again later. */
  | { readonly action: 'wait'; readonly reason: string; readonly retryInMs: number };

export interface RecoveryContext {
  /** The ledger driver can send a kept envelope again. */
  readonly canResend: boolean;
  readonly now: Date;
  /** How long a sent transaction may take to show up on the ledger before it is considered lost. */
  readonly graceMs: number;
  /** How soon to ask again while waiting. */
  readonly retryMs: number;
}

/**
 * Decides, from the recorded transaction and the ledger's answer about it (`txStatus`, undefined when nothing was
 * recorded), whether an item is done, needs its old transaction sent again, a new one, or more time.
 */
export function planRecovery(recorded: RecordedTx, status: TxStatus | undefined, ctx: RecoveryContext): RecoveryStep {
  const { txId } = recorded;
  if (txId === null || status === undefined) return { action: 'submit' };
  if (status.found) return foundStep(txId, status);
  if (recorded.envelope !== null && ctx.canResend) return { action: 'resend', txId, envelope: recorded.envelope };
  const age = recorded.sentAt === null ? Infinity : ctx.now.getTime() - recorded.sentAt.getTime();
  if (age < ctx.graceMs) {
    return {
      action: 'wait',
      reason: `transaction ${txId} sent ${Math.round(age)} ms ago is not on the ledger yet`,
      retryInMs: Math.min(ctx.retryMs, ctx.graceMs - age),
    };
  }
  return { action: 'submit' };
}

function foundStep(txId: string, status: TxStatus): RecoveryStep {
  // A DUPLICATE_TXID entry is a later copy of this transaction: the first copy's verdict is still to come.
  if (status.validationCode === 'DUPLICATE_TXID') {
    return { action: 'wait', reason: `transaction ${txId} is recorded as a DUPLICATE_TXID copy`, retryInMs: 1000 };
  }
  if (status.validationCode !== 'VALID') return { action: 'submit' };
  if (status.blockNumber === undefined) {
    return { action: 'wait', reason: `transaction ${txId} is VALID but its block is not known yet`, retryInMs: 1000 };
  }
  return { action: 'committed', txId, blockNumber: status.blockNumber };
}
