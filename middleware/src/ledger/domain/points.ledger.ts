import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { answerList, indexNamed, jsonArg, type BatchCodec } from '../batch-codec';
import { LedgerFunctions } from '../ledger-functions';
import { ChaincodeRejectedError, LEDGER, type LedgerPort } from '../ledger.port';

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
  /** Points reversed so far by the returns that name this accrual. */
  readonly reversed: number;
}

/** A debit correction as the ledger has it (`points:GetAdjustment`). */
export interface LedgerAdjustment {
  readonly programId: string;
  readonly ref: string;
  readonly member: string;
  readonly amount: number;
  readonly reasonCode: string;
  readonly txId: string;
}

/** A redemption as the ledger has it (`points:GetRedemption`). */
export interface LedgerRedemption {
  readonly merchant: string;
  readonly ref: string;
  readonly programId: string;
  readonly member: string;
  readonly amount: number;
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

/** The contract's queries (docs/points.md). */
export type PointsQuery =
  | 'GetProgram'
  | 'ListPrograms'
  | 'GetMerchant'
  | 'GetBalance'
  | 'GetLots'
  | 'GetHistory'
  | 'GetAccrual'
  | 'GetRedemption'
  | 'GetRate'
  | 'GetClearing'
  | 'GetStatement';

/** A member's signature relayed as received (the chaincode verifies it against the member's DID document). */
export interface Consent {
  readonly kid: string;
  readonly signature: string;
}

export interface ProgramTerms {
  readonly programId: string;
  readonly name: string;
  readonly unitValueFen: number;
  readonly expiryMonths: number;
  readonly returnWindowDays: number;
}

export interface MerchantTerms {
  readonly merchantId: string;
  readonly name: string;
  readonly category: string;
  readonly programId: string;
}

export interface RedemptionRequest {
  readonly merchant: string;
  readonly ref: string;
  readonly member: string;
  readonly programId: string;
  readonly amount: number;
  readonly nonce?: string;
  readonly deadline?: string;
  readonly consent?: Consent;
}

export interface TransferRequest {
  readonly programId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly nonce: string;
  readonly deadline: string;
  readonly consent: Consent;
}

export interface ExchangeRequest {
  readonly member: string;
  readonly fromProgram: string;
  readonly toProgram: string;
  readonly amount: number;
  readonly receive: number;
  readonly nonce: string;
  readonly deadline: string;
  readonly consent: Consent;
}

/** A consolidation of one member's available lots of one expiry day (docs/points.md, ConsolidateLots). */
export interface ConsolidationTerms {
  readonly programId: string;
  readonly member: string;
  /** UTC day `YYYY-MM-DD`; absent: the day with the most mergeable lots. */
  readonly expiresOn?: string;
  /** Lots merged at most (2..500); absent: 500. */
  readonly limit?: number;
}

export interface RateTerms {
  readonly fromProgram: string;
  readonly toProgram: string;
  readonly numerator: number;
  readonly denominator: number;
  readonly unitValueFen?: number;
}

/** Chaincode functions that only an admin of the mall may submit (the middleware must sign as `admin`). */
export const ADMIN_FUNCTIONS: ReadonlySet<string> = new Set([
  'points:RegisterProgram',
  'points:RegisterMerchant',
  'points:ClaimNamespace',
  'points:ProposeRate',
  'points:ApproveRate',
  'points:ClosePeriod',
  'points:ConfirmStatement',
]);

/** Drops keys whose value is `undefined` (the chaincode refuses `null` where a field is optional). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Every points request is one JSON string, sorted keys (docs/points.md). */
function oneJsonArg(request: object): readonly string[] {
  return [canonicalize(request) ?? '{}'];
}

/**
 * Accruals of one program share one `points:AccrueBatch { programId, items: [{ member, amount, sourceRef,
 * merchant?, attestation? }] }` (≤ 500, all or nothing). The chaincode names a malformed item as `items[i].…`; a refusal found
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
    const { programId, member, amount, sourceRef, merchant, attestation } = item;
    return {
      fn: ACCRUE,
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

  /** `points:RegisterProgram`: this mall becomes the issuer (admin only). */
  registerProgram(p: ProgramTerms): LedgerCall {
    const { programId, name, unitValueFen, expiryMonths, returnWindowDays } = p;
    return {
      fn: 'points:RegisterProgram',
      args: oneJsonArg({ programId, name, unitValueFen, expiryMonths, returnWindowDays }),
    };
  }

  /** `points:RegisterMerchant` of this mall, earning through one of its programs (admin only). */
  registerMerchant(m: MerchantTerms): LedgerCall {
    const { merchantId, name, category, programId } = m;
    return { fn: 'points:RegisterMerchant', args: oneJsonArg({ merchantId, name, category, programId }) };
  }

  /** `points:ClaimNamespace { namespace }`: program and merchant IDs in it are this mall's only (admin only). */
  claimNamespace(namespace: string): LedgerCall {
    return { fn: 'points:ClaimNamespace', args: oneJsonArg({ namespace }) };
  }

  /** `points:Redeem`, the member's consent relayed as received. */
  redeem(r: RedemptionRequest): LedgerCall {
    const { merchant, ref, member, programId, amount, nonce, deadline, consent } = r;
    const c = consent && { kid: consent.kid, signature: consent.signature };
    return {
      fn: 'points:Redeem',
      args: oneJsonArg(defined({ merchant, ref, member, programId, amount, nonce, deadline, consent: c })),
    };
  }

  /** `points:Transfer`, authorized by the sender's signature. */
  transfer(t: TransferRequest): LedgerCall {
    const { programId, from, to, amount, nonce, deadline, consent } = t;
    const c = { kid: consent.kid, signature: consent.signature };
    return { fn: 'points:Transfer', args: oneJsonArg({ programId, from, to, amount, nonce, deadline, consent: c }) };
  }

  /** `points:Exchange` at an approved rate, authorized by the member's signature. */
  exchange(x: ExchangeRequest): LedgerCall {
    const { member, fromProgram, toProgram, amount, receive, nonce, deadline, consent } = x;
    const c = { kid: consent.kid, signature: consent.signature };
    return {
      fn: 'points:Exchange',
      args: oneJsonArg({ member, fromProgram, toProgram, amount, receive, nonce, deadline, consent: c }),
    };
  }

  /** `points:ProposeRate` / `points:ApproveRate` (the approval repeats the terms, unit value included). */
  rate(op: 'propose' | 'approve', r: RateTerms): LedgerCall {
    const { fromProgram, toProgram, numerator, denominator, unitValueFen } = r;
    return {
      fn: op === 'propose' ? 'points:ProposeRate' : 'points:ApproveRate',
      args: oneJsonArg(defined({ fromProgram, toProgram, numerator, denominator, unitValueFen })),
    };
  }

  /** `points:Expire { programId, limit }`: one sweep of lots past their date. */
  expire(programId: string, limit: number): LedgerCall {
    return { fn: 'points:Expire', args: oneJsonArg({ programId, limit }) };
  }

  /** `points:ConsolidateLots { programId, member, expiresOn?, limit? }` (the issuing mall, admin or client). */
  consolidateLots(c: ConsolidationTerms): LedgerCall {
    const { programId, member, expiresOn, limit } = c;
    return { fn: 'points:ConsolidateLots', args: oneJsonArg(defined({ programId, member, expiresOn, limit })) };
  }

  /**
   * `points:ClosePeriod { from, to }` (any mall admin). A period past one transaction's read bound answers
   * `final: false` and the same call is repeated until it returns the statement (see CloseContinuer).
   */
  closePeriod(from: string, to: string): LedgerCall {
    return { fn: 'points:ClosePeriod', args: oneJsonArg({ from, to }) };
  }

  /** `points:ConfirmStatement { periodId }` by this mall. */
  confirmStatement(periodId: string): LedgerCall {
    return { fn: 'points:ConfirmStatement', args: oneJsonArg({ periodId }) };
  }

  /**
   * A points query evaluated on this mall's peer, its JSON answer as is (`?consistency=ledger` reads). The name is
   * one of the contract's queries; callers pass the request object, never encoded arguments.
   */
  async query(name: PointsQuery, request: object): Promise<unknown> {
    const raw = await this.ledger.evaluate(`points:${name}`, oneJsonArg(request));
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
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

  /** `points:GetRedemption { merchant, ref }` on this mall's peer; undefined when the ledger has none. */
  async redemption(merchant: string, ref: string): Promise<LedgerRedemption | undefined> {
    try {
      const raw = await this.ledger.evaluate('points:GetRedemption', oneJsonArg({ merchant, ref }));
      return JSON.parse(Buffer.from(raw).toString('utf8')) as LedgerRedemption;
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** `points:GetAdjustment { programId, ref }` on this mall's peer; undefined when the ledger has none. */
  async adjustment(programId: string, ref: string): Promise<LedgerAdjustment | undefined> {
    try {
      const raw = await this.ledger.evaluate('points:GetAdjustment', oneJsonArg({ programId, ref }));
      return JSON.parse(Buffer.from(raw).toString('utf8')) as LedgerAdjustment;
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
