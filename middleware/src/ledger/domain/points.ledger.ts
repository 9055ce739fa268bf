import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { answerList, indexNamed, jsonArg, type BatchCodec } from '../batch-codec';
import { LedgerFunctions } from '../ledger-functions';
import { LEDGER, type LedgerPort } from '../ledger.port';

const ACCRUE = 'points:Accrue';
const ACCRUE_BATCH = 'points:AccrueBatch';
/** The chaincode's limit for one `AccrueBatch` (chaincode/src/points/request.ts `MAX_BATCH`). */
export const ACCRUE_BATCH_MAX = 500;

/** A chaincode call fixed at intake: the function and its encoded arguments. */
export interface LedgerCall {
  readonly fn: string;
  readonly args: readonly string[];
}

export interface AccrualItem {
  readonly programId: string;
  /** Member DID. */
  readonly member: string;
  readonly amount: number;
  /** Idempotency key of the accrual on the ledger (per program). */
  readonly sourceRef: string;
  readonly merchant?: string;
}

export interface ReversalItem {
  readonly programId: string;
  readonly sourceRef: string;
  readonly reversalRef: string;
  /** Absent: everything not yet reversed. */
  readonly amount?: number;
}

export interface MemberBalance {
  readonly programId: string;
  readonly available: number;
  readonly pending: number;
  readonly expiringSoon: number;
}

/** Every points request is one JSON string, sorted keys (docs/points.md). */
function oneJsonArg(request: object): readonly string[] {
  return [canonicalize(request) ?? '{}'];
}

/**
 * Accruals of one program share one `points:AccrueBatch { programId, items: [{ member, amount, sourceRef,
 * merchant? }] }` (≤ 500, all or nothing). The chaincode names a malformed item as `items[i].…`; a refusal found
 * while crediting (an inactive member, a merchant of another program) names no index, and the batcher halves.
 */
export const ACCRUE_CODEC: BatchCodec = {
  fn: ACCRUE,
  maxItems: ACCRUE_BATCH_MAX,
  groupKey: (args) => String(jsonArg(args).programId),
  encode(items) {
    const parsed = items.map(jsonArg);
    const programId = parsed[0]?.programId;
    if (parsed.some((p) => p.programId !== programId)) throw new Error('AccrueBatch: items of different programs');
    const entries = parsed.map(({ programId: _, ...entry }) => entry);
    return { fn: ACCRUE_BATCH, args: oneJsonArg({ programId, items: entries }) };
  },
  // One `{ sourceRef, status: accepted | duplicate, lotId, … }` per item.
  split: (result, n) => answerList(result, 'results', n),
  blame: (reason, n) => indexNamed(reason, 'items', n),
};

/**
 * The points contract as the middleware's services see it: every chaincode function name and argument
 * encoding of `points:*` lives here. Writes are returned as {@link LedgerCall}s for the durable intake (the
 * batcher submits them); reads are evaluated on the peer.
 */
@Injectable()
export class PointsLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // Idempotent on (programId, sourceRef): a repeat answers `duplicate` and credits nothing.
    functions.register(ACCRUE, { idempotent: true, batch: ACCRUE_CODEC });
  }

  /** `points:Accrue { programId, member, amount, sourceRef, merchant? }`. */
  accrue(item: AccrualItem): LedgerCall {
    const { programId, member, amount, sourceRef, merchant } = item;
    return {
      fn: ACCRUE,
      args: oneJsonArg({ programId, member, amount, sourceRef, ...(merchant === undefined ? {} : { merchant }) }),
    };
  }

  /** `points:Reverse { programId, sourceRef, reversalRef, amount? }`. */
  reverse(item: ReversalItem): LedgerCall {
    const { programId, sourceRef, reversalRef, amount } = item;
    return {
      fn: 'points:Reverse',
      args: oneJsonArg({ programId, sourceRef, reversalRef, ...(amount === undefined ? {} : { amount }) }),
    };
  }

  /** `points:GetBalance { member, programId?, expiringWithinDays }` evaluated on this mall's peer. */
  async balances(member: string, expiringWithinDays = 30): Promise<MemberBalance[]> {
    const raw = await this.ledger.evaluate('points:GetBalance', oneJsonArg({ member, expiringWithinDays }));
    const parsed = JSON.parse(Buffer.from(raw).toString('utf8')) as { balances?: MemberBalance[] };
    return (parsed.balances ?? []).map((b) => ({
      programId: b.programId,
      available: b.available,
      pending: b.pending,
      expiringSoon: b.expiringSoon,
    }));
  }
}
