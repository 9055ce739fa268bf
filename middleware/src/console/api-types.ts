/**
 * Answers of the routes the operator console reads, defined once: the middleware's stores and DTOs use these types
 * and packages/console imports them (type-only, erased from its bundle). This file imports nothing, so the console
 * type-checks it without the middleware's dependencies.
 */

/** `stalled`: pending longer than `INTAKE_STALLED_AFTER_MS`, counted apart from pending. */
export type IntakeState = 'pending' | 'stalled' | 'committed' | 'dead';

/** Items of one kind in one state (`GET /v1/admin/intake/summary` `counts`). */
export interface IntakeCount {
  readonly kind: string;
  readonly status: IntakeState;
  readonly count: number;
}

/** Items accepted in one bucket (an hour, or an Asia/Shanghai day) of the window, per state they are in now. */
export interface IntakeBucketCount {
  /** Start of the bucket (ISO 8601): a whole UTC hour, or 00:00 Asia/Shanghai (16:00Z of the day before). */
  readonly start: string;
  readonly status: IntakeState;
  readonly count: number;
}

/** The history windows of the intake summary: hours for a day, Asia/Shanghai days beyond. */
export type IntakeWindow = '24h' | '7d' | '30d';

/** `GET /v1/admin/intake/summary?window=`. */
export interface IntakeSummary {
  readonly counts: IntakeCount[];
  readonly window: IntakeWindow;
  readonly bucket: 'hour' | 'day';
  readonly series: IntakeBucketCount[];
}

/** `debtor` owes `creditor` `amountFen` after set-off (always > 0). */
export interface Owed {
  readonly debtor: string;
  readonly creditor: string;
  readonly amountFen: number;
}

export interface NetPosition {
  readonly mall: string;
  readonly receivableFen: number;
  readonly payableFen: number;
  /** receivable − payable: positive is owed to the mall. */
  readonly netFen: number;
}

/** `GET /v1/points/clearing/net`: a clearing window netted. */
export interface ClearingNet {
  readonly from: string;
  readonly to: string;
  /** Entries read from the cache (or from the peer with `consistency=ledger`). */
  readonly entries: number;
  /** Per pair of malls, entries both ways set off; pairs that even out are left out; largest first. */
  readonly owed: Owed[];
  /** Per mall over the gross entries, in MSP ID order; the nets sum to zero. */
  readonly positions: NetPosition[];
}

/** One program's liability (`GET /v1/points/liabilities`). */
export interface LiabilityView {
  readonly programId: string;
  readonly issuer: string;
  readonly name: string;
  readonly unitValueFen: number;
  readonly outstanding: number;
  readonly liabilityFen: number;
  readonly expiringSoon: number;
  readonly expiringWithinDays: number;
}

/** One Asia/Shanghai day of a program's points flow (`GET /v1/points/daily`). */
export interface DailyPointsDay {
  readonly day: string;
  readonly accrued: number;
  readonly accruals: number;
  readonly reversed: number;
  readonly reversals: number;
  readonly redeemed: number;
  readonly redemptions: number;
}

export type DeviceStatus = 'active' | 'suspended' | 'revoked';

/** A key in a device's ledger record and when it may sign. */
export interface DeviceKeyView {
  readonly kid: string;
  readonly validFrom: string;
  readonly validTo?: string;
  readonly compromisedAt?: string;
}

/** The parts of a device's ledger record that readers rely on (the record may hold more). */
export interface DeviceRecordView {
  readonly model?: string;
  readonly location?: { readonly site?: string; readonly floor?: string };
  readonly keys?: DeviceKeyView[];
  readonly statusReason?: string;
  readonly updatedAt?: string;
}

/** A device in the projected cache (`GET /v1/devices`, `GET /v1/devices/{did}`). */
export interface DeviceView {
  readonly did: string;
  readonly ownerMsp: string;
  readonly type: string;
  readonly status: DeviceStatus;
  readonly record: DeviceRecordView;
  readonly txId: string;
  readonly blockNumber: string;
}

/** A device's cached attestation (`GET /v1/devices/{did}/attestations`). */
export interface AttestationView {
  readonly deviceDid: string;
  readonly seq: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly kind: string;
  readonly digest: string;
  readonly record: object;
  readonly txId: string;
  readonly blockNumber: string;
}

/** A settlement statement (`GET /v1/points/statements`): a closed period's payments and net positions. */
export interface Statement {
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly entries: number;
  readonly payments: { from: string; to: string; amountFen: number }[];
  readonly positions: NetPosition[];
  readonly closedAt: string;
}

/** `GET /v1/points/statements/awaiting`: statements with a position of the key's mall it has not confirmed. */
export interface AwaitingStatements {
  readonly mall: string;
  readonly statements: Statement[];
}

/** A consortium change proposal (`GET /v1/admin/consortium/proposals`; times as ISO 8601). */
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

/** One entry of the consortium audit log (`GET /v1/admin/consortium/audit` `items`). */
export interface AuditEntry {
  readonly id: string;
  readonly actor: string;
  readonly operation: string;
  readonly result: string;
  readonly startedAt: string;
}

/** A channel as `GET /v1/admin/consortium/channels` lists it: heights per peer, and the peers it could not ask. */
export interface ChannelListing {
  readonly channel: string;
  readonly heights: Record<string, number>;
  readonly unreachable: Record<string, string>;
  readonly members: string[];
  readonly orderers: string[];
}

/** `GET /v1/admin/consortium/channels/{channel}`: the channel's configuration (the parts readers rely on). */
export interface ChannelSummary {
  readonly channel: string;
  readonly configSequence: number;
  readonly configBlock: number;
  readonly consensus: { type: string; consenters: string[] };
  readonly orgs: { mspId: string; section: 'Application' | 'Orderer'; anchorPeers: string[] }[];
}

/** An organisation's admins (`GET /v1/admin/consortium/orgs`). */
export interface OrgIdentities {
  readonly mspId: string;
  readonly domain: string;
  readonly admins: string[];
}

/** `GET /v1/admin/consortium/chaincode`: the committed definition and each org's approval. */
export interface ChaincodeStatus {
  readonly channel: string;
  readonly name: string;
  readonly committed: { sequence: number; version: string; approvals?: Record<string, boolean> } | null;
  readonly orgs: { mspId: string; approved: { sequence: number; version: string } | null }[];
}
