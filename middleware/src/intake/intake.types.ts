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
   * Items naming the same key reach the ledger in the order they were accepted: one is claimed only after every
   * earlier item of its key left the outbox (committed, or dead). A return names its sale, an attestation its device.
   */
  readonly orderingKey?: string;
  /**
   * The item is claimed only after the intake item with this kind and natural key has committed; that item may
   * not have arrived yet (a return pushed before its sale). A dead predecessor holds it back too.
   */
  readonly after?: { readonly kind: string; readonly naturalKey: string };
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
