/** What a feature hands to the intake: one ledger call, identified by its natural key. */
export interface IntakeRequest {
  /** Item type, e.g. `note`, `receipt`; natural keys are unique per kind. */
  readonly kind: string;
  readonly naturalKey: string;
  /** The request as received (after validation); its JCS hash decides duplicate vs conflict. */
  readonly payload: unknown;
  /** Chaincode function, `contract:Function`. */
  readonly fn: string;
  readonly args: readonly string[];
  readonly apiKeyId?: string;
  /**
   * Items with the same ordering key must reach the ledger in acceptance order (a return names its sale's
   * natural key, so that its reversal follows the accrual). Not yet honoured by the batcher.
   */
  readonly orderingKey?: string;
}

export interface IntakeAck {
  readonly trackingId: string;
  /** `accepted` the first time; `duplicate` when the same key and content were already accepted. */
  readonly outcome: 'accepted' | 'duplicate';
  /** Ledger status of the item (for a duplicate, the original's). */
  readonly status: 'pending' | 'committed' | 'dead';
}

export interface IntakeStatusView {
  readonly trackingId: string;
  readonly kind: string;
  readonly naturalKey: string;
  readonly status: 'pending' | 'committed' | 'dead';
  readonly attempts: number;
  readonly txId: string | null;
  readonly blockNumber: string | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly acceptedAt: Date;
  readonly committedAt: Date | null;
}
