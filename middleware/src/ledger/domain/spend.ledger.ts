import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { LedgerFunctions } from '../ledger-functions';
import { LEDGER, type LedgerPort } from '../ledger.port';
import type { LedgerCall } from './points.ledger';

const REDEEM = 'points:Redeem';
const ADJUST = 'points:Adjust';
const BALANCE = 'points:GetBalance';

/** A redemption at a merchant; `consent` (the member's signature) is required for another mall's points. */
export interface RedeemItem {
  readonly merchant: string;
  /** Idempotency key at the merchant. */
  readonly ref: string;
  readonly member: string;
  readonly programId: string;
  readonly amount: number;
  readonly consent?: {
    readonly nonce: string;
    readonly deadline: string;
    readonly kid: string;
    readonly signature: string;
  };
}

/** A debit correction by the issuing mall. */
export interface AdjustItem {
  readonly programId: string;
  readonly member: string;
  readonly amount: number;
  readonly reasonCode: string;
  readonly ref: string;
}

const one = (request: object): string[] => [canonicalize(request) ?? '{}'];

/**
 * The spending side of the points contract (redeem at a till, the issuer's debit adjustment) as the Haide adapter
 * sees it. Writes are {@link LedgerCall}s for the intake; `check` simulates one on the peer first, so a request
 * the chaincode would refuse is answered with its code and never stored.
 */
@Injectable()
export class SpendLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // Both are idempotent on their reference: a second commit answers `duplicate` and changes nothing.
    functions.register(REDEEM, { idempotent: true });
    functions.register(ADJUST, { idempotent: true });
  }

  /** `points:Redeem { merchant, ref, member, programId, amount, nonce?, deadline?, consent?: { kid, signature } }`. */
  redeem(r: RedeemItem): LedgerCall {
    const { consent, ...rest } = r;
    if (!consent) return { fn: REDEEM, args: one(rest) };
    const { nonce, deadline, kid, signature } = consent;
    return { fn: REDEEM, args: one({ ...rest, nonce, deadline, consent: { kid, signature } }) };
  }

  /** `points:Adjust { programId, member, amount, reasonCode, ref }`. */
  adjust(a: AdjustItem): LedgerCall {
    return { fn: ADJUST, args: one(a) };
  }

  /** The chaincode's verdict on `call` from this mall's peer, nothing ordered (throws ChaincodeRejectedError). */
  async check(call: LedgerCall): Promise<void> {
    await this.ledger.evaluate(call.fn, call.args);
  }

  /** Available points of `member` in `programId` on this mall's peer. */
  async available(member: string, programId: string): Promise<number> {
    const raw = await this.ledger.evaluate(BALANCE, one({ member, programId }));
    const parsed = JSON.parse(Buffer.from(raw).toString('utf8')) as { balances?: { available: number }[] };
    return parsed.balances?.[0]?.available ?? 0;
  }
}
