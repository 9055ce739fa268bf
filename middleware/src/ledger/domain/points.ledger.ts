import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { ChaincodeRejectedError, LEDGER, type LedgerPort } from '../ledger.port';

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
  /** The device attestation (a printer's signed e-receipt) the points were earned on. */
  readonly attestation?: { readonly deviceDid: string; readonly seq: number };
}

/** An accrual record as the ledger keeps it (the fields readers use). */
export interface LedgerAccrual {
  readonly programId: string;
  readonly sourceRef: string;
  readonly member: string;
  readonly amount: number;
  readonly attestation?: { readonly deviceDid: string; readonly seq: number };
  readonly txId: string;
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
 * The points contract as the middleware's services see it: every chaincode function name and argument
 * encoding of `points:*` lives here. Writes are returned as {@link LedgerCall}s for the durable intake (the
 * batcher submits them); reads are evaluated on the peer.
 */
@Injectable()
export class PointsLedger {
  constructor(@Inject(LEDGER) private readonly ledger: LedgerPort) {}

  /** `points:Accrue { programId, member, amount, sourceRef, merchant? }`. */
  accrue(item: AccrualItem): LedgerCall {
    const { programId, member, amount, sourceRef, merchant, attestation } = item;
    return {
      fn: 'points:Accrue',
      args: oneJsonArg({
        programId,
        member,
        amount,
        sourceRef,
        ...(merchant === undefined ? {} : { merchant }),
        ...(attestation === undefined
          ? {}
          : { attestation: { deviceDid: attestation.deviceDid, seq: attestation.seq } }),
      }),
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

  /** `points:GetAccrual { programId, sourceRef }` on this mall's peer; undefined when the ledger has none. */
  async accrual(programId: string, sourceRef: string): Promise<LedgerAccrual | undefined> {
    try {
      const raw = await this.ledger.evaluate('points:GetAccrual', oneJsonArg({ programId, sourceRef }));
      return JSON.parse(Buffer.from(raw).toString('utf8')) as LedgerAccrual;
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
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
