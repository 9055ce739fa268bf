/** The shapes of the middleware's answers the screens read (see the OpenAPI document at /docs). */
import type { IntakeWindow } from '../../../middleware/src/console/api-types';

// The answers the middleware defines once for the console (middleware/src/console/api-types.ts, type-only).
export type {
  AttestationView as Attestation,
  AuditEntry,
  AwaitingStatements,
  ChaincodeStatus,
  ChannelListing,
  ChannelSummary,
  ClearingNet,
  DeviceView as Device,
  IntakeSummary,
  IntakeWindow,
  LiabilityView as Liability,
  OrgIdentities,
  Owed,
  Proposal,
  Statement,
} from '../../../middleware/src/console/api-types';

export const INTAKE_WINDOWS: readonly IntakeWindow[] = ['24h', '7d', '30d'];

export interface HistoryEntry {
  readonly status: string;
  readonly at: string;
  readonly code?: string;
  readonly reason?: string;
  readonly txId?: string;
  readonly by?: string;
}

export interface IntakeItem {
  readonly trackingId: string;
  readonly kind: string;
  readonly naturalKey: string;
  readonly status: 'pending' | 'committed' | 'dead';
  readonly attempts: number;
  readonly txId: string | null;
  readonly blockNumber: string | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly acceptedAt: string;
  readonly fn?: string;
  readonly history?: HistoryEntry[];
}

/** `POST …` through the intake: 202 with the tracking ID. */
export interface IntakeAck {
  readonly trackingId: string;
  readonly status: string;
}

export interface Health {
  readonly status: string;
  readonly info?: Record<string, { status: string } & Record<string, unknown>>;
  readonly error?: Record<string, { status: string } & Record<string, unknown>>;
  readonly details: Record<string, { status: string } & Record<string, unknown>>;
}
