/** The shapes of the middleware's answers the screens read (see the OpenAPI document at /docs). */
import type { IntakeCount, IntakeHourCount, KeyValidity, Owed } from './lib/figures';

export interface IntakeSummary {
  readonly counts: IntakeCount[];
  readonly hourly: IntakeHourCount[];
}

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

export interface Device {
  readonly did: string;
  readonly ownerMsp: string;
  readonly type: string;
  readonly status: 'active' | 'suspended' | 'revoked';
  readonly record: {
    readonly model?: string;
    readonly location?: { site?: string; floor?: string };
    readonly keys?: (KeyValidity & { kid: string })[];
    readonly statusReason?: string;
    readonly updatedAt?: string;
  };
  readonly txId: string;
  readonly blockNumber: string;
}

export interface Attestation {
  readonly seq: number;
  readonly periodEnd: string;
  readonly kind: string;
  readonly txId: string;
}

export interface Liability {
  readonly programId: string;
  readonly issuer: string;
  readonly name: string;
  readonly unitValueFen: number;
  readonly outstanding: number;
  readonly liabilityFen: number;
  readonly expiringSoon: number;
  readonly expiringWithinDays: number;
}

export interface ClearingEntry extends Owed {
  readonly kind: string;
  readonly points: number;
  readonly programId: string;
  readonly ref: string;
  readonly txId: string;
  readonly at: string;
}

export interface Statement {
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly entries: number;
  readonly payments: { from: string; to: string; amountFen: number }[];
  readonly positions: { mall: string; receivableFen: number; payableFen: number; netFen: number }[];
  readonly closedAt: string;
}

export interface Health {
  readonly status: string;
  readonly info?: Record<string, { status: string } & Record<string, unknown>>;
  readonly error?: Record<string, { status: string } & Record<string, unknown>>;
  readonly details: Record<string, { status: string } & Record<string, unknown>>;
}

export interface ChannelListing {
  readonly channel: string;
  readonly heights: Record<string, number>;
  readonly members: string[];
  readonly orderers: string[];
}

export interface ChannelSummary {
  readonly channel: string;
  readonly configSequence: number;
  readonly configBlock: number;
  readonly consensus: { type: string; consenters: string[] };
}

export interface OrgIdentities {
  readonly mspId: string;
  readonly domain: string;
  readonly admins: string[];
}

export interface ChaincodeStatus {
  readonly channel: string;
  readonly name: string;
  readonly committed: { sequence: number; version: string; approvals?: Record<string, boolean> } | null;
  readonly orgs: { mspId: string; approved: { sequence: number; version: string } | null }[];
}

export interface Proposal {
  readonly id: string;
  readonly operation: string;
  readonly channel: string;
  readonly status: 'open' | 'submitting' | 'submitted';
  readonly createdBy: string;
  readonly createdAt: string;
  readonly changes: string[];
  readonly requiredPolicies: string[];
  readonly signatures: { mspId: string; subject: string; signedAt: string }[];
}

export interface AuditEntry {
  readonly id: string;
  readonly actor: string;
  readonly operation: string;
  readonly result: string;
  readonly startedAt: string;
}
