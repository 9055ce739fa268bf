import type { IntakeStatusView } from './intake.types';

/** An `intake_items` row as the status columns select it (`block_number` as text: a bigint does not fit a number). */
export interface IntakeStatusRow {
  tracking_id: string;
  kind: string;
  natural_key: string;
  status: IntakeStatusView['status'];
  attempts: number;
  tx_id: string | null;
  block_number: string | null;
  error_code: string | null;
  last_error: string | null;
  created_at: Date;
  committed_at: Date | null;
}

/** The select list of an {@link IntakeStatusRow}, each column qualified by the alias of `intake_items`. */
export const intakeStatusColumns = (alias: string): string =>
  `${alias}.tracking_id, ${alias}.kind, ${alias}.natural_key, ${alias}.status, ${alias}.attempts, ${alias}.tx_id,
  ${alias}.block_number::text AS block_number, ${alias}.error_code, ${alias}.last_error, ${alias}.created_at,
  ${alias}.committed_at`;

/** What a client (`GET /v1/intake/{trackingId}`) and an operator both see of an item. */
export function toIntakeStatusView(r: IntakeStatusRow): IntakeStatusView {
  return {
    trackingId: r.tracking_id,
    kind: r.kind,
    naturalKey: r.natural_key,
    status: r.status,
    attempts: r.attempts,
    txId: r.tx_id,
    blockNumber: r.block_number,
    errorCode: r.error_code,
    lastError: r.last_error,
    acceptedAt: r.created_at,
    committedAt: r.committed_at,
  };
}
