/** What the points contract answers, as far as the end-to-end tests read it. */

export interface Balance {
  programId: string;
  available: number;
  pending: number;
}

export interface AccrualResult {
  sourceRef: string;
  status: 'accepted' | 'duplicate';
  member: string;
  amount: number;
  lotId: string;
  txId: string;
}

export interface ClearingEntry {
  kind: string;
  debtor: string;
  creditor: string;
  amountFen: number;
  points: number;
  programId: string;
  ref: string;
  txId: string;
  at: string;
}

export interface Position {
  mall: string;
  receivableFen: number;
  payableFen: number;
  netFen: number;
}

export interface Statement {
  periodId: string;
  from: string;
  to: string;
  entries: number;
  gross: { from: string; to: string; amountFen: number }[];
  positions: Position[];
  payments: { from: string; to: string; amountFen: number }[];
  closedBy: string;
}
