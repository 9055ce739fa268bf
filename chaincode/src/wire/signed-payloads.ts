/**
 * What members and DID controllers sign: the one definition of the consent payloads (redeem, transfer,
 * exchange) and of the DID operation payloads. The chaincode checks signatures over JCS of exactly these
 * objects; the wallet and the middleware build them with the same functions (through the `@mallchain/wire`
 * workspace, which compiles this directory). This file imports nothing, so it compiles anywhere.
 */

/** The chaincode name every signed payload names, so a signature is good on this chaincode only. */
export const CHAINCODE_NAME = 'mallchain';

/** Where a signature is good: one channel of one chaincode. */
export interface LedgerScope {
  readonly channel: string;
}

/** The single-use part of a consent: a member-chosen nonce and an ISO-8601 deadline. */
export interface ConsentTerms {
  readonly nonce: string;
  readonly deadline: string;
}

export interface RedeemConsentTerms extends ConsentTerms {
  readonly amount: number;
  readonly member: string;
  readonly merchant: string;
  readonly programId: string;
}

export interface TransferConsentTerms extends ConsentTerms {
  readonly amount: number;
  readonly from: string;
  readonly to: string;
  readonly programId: string;
}

export interface ExchangeConsentTerms extends ConsentTerms {
  readonly amount: number;
  readonly member: string;
  readonly fromProgram: string;
  readonly toProgram: string;
  readonly receive: number;
}

export interface RedeemConsentPayload extends RedeemConsentTerms {
  readonly action: 'points.redeem';
  readonly chaincode: typeof CHAINCODE_NAME;
  readonly channel: string;
}

export interface TransferConsentPayload extends TransferConsentTerms {
  readonly action: 'points.transfer';
  readonly chaincode: typeof CHAINCODE_NAME;
  readonly channel: string;
}

export interface ExchangeConsentPayload extends ExchangeConsentTerms {
  readonly action: 'points.exchange';
  readonly chaincode: typeof CHAINCODE_NAME;
  readonly channel: string;
}

export type ConsentPayload = RedeemConsentPayload | TransferConsentPayload | ExchangeConsentPayload;
export type ConsentAction = ConsentPayload['action'];

/** The object a member signs (as JCS) to consent to a redemption at `merchant`. */
export function redeemConsentPayload(scope: LedgerScope, t: RedeemConsentTerms): RedeemConsentPayload {
  return {
    action: 'points.redeem',
    amount: t.amount,
    chaincode: CHAINCODE_NAME,
    channel: scope.channel,
    deadline: t.deadline,
    member: t.member,
    merchant: t.merchant,
    nonce: t.nonce,
    programId: t.programId,
  };
}

/** The object the sender signs (as JCS) to move points to another member. */
export function transferConsentPayload(scope: LedgerScope, t: TransferConsentTerms): TransferConsentPayload {
  return {
    action: 'points.transfer',
    amount: t.amount,
    chaincode: CHAINCODE_NAME,
    channel: scope.channel,
    deadline: t.deadline,
    from: t.from,
    nonce: t.nonce,
    programId: t.programId,
    to: t.to,
  };
}

/** The object a member signs (as JCS) to exchange points between two programs at an approved rate. */
export function exchangeConsentPayload(scope: LedgerScope, t: ExchangeConsentTerms): ExchangeConsentPayload {
  return {
    action: 'points.exchange',
    amount: t.amount,
    chaincode: CHAINCODE_NAME,
    channel: scope.channel,
    deadline: t.deadline,
    fromProgram: t.fromProgram,
    member: t.member,
    nonce: t.nonce,
    receive: t.receive,
    toProgram: t.toProgram,
  };
}

export type DidOp = 'create' | 'update' | 'deactivate';
export type DidRoleName = 'member' | 'device' | 'merchant' | 'mall';

/** Exactly what a DID controller signs (JCS). `previousVersionId` is `null` for `create`. */
export interface DidOperationPayload<D = unknown> {
  readonly op: DidOp;
  readonly channel: string;
  readonly chaincode: typeof CHAINCODE_NAME;
  readonly did: string;
  readonly previousVersionId: string | null;
  readonly role?: DidRoleName;
  readonly document?: D;
}

/**
 * The DID operation a controller signs: `create` names the role and the new document, `update` the new
 * document and the version it replaces, `deactivate` only the version it replaces.
 */
export function didOperationPayload<D>(
  scope: LedgerScope,
  op: DidOp,
  did: string,
  previousVersionId: string | null,
  extra: { role?: DidRoleName; document?: D } = {},
): DidOperationPayload<D> {
  return { op, channel: scope.channel, chaincode: CHAINCODE_NAME, did, previousVersionId, ...extra };
}
