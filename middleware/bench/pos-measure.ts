// What the POS benchmark measures after a phase: the stages from the middleware's own tables, the ledger count
// from chaincode events read through Mall B's peer, and CPU per process from /proc.
import type { Client } from 'pg';
import type { LedgerPort } from '../src/ledger/ledger.port';
import { changesOf, eventsSince } from '../test/e2e/support/ledger-check';
import { postgresCpu, postgresCpuDelta, processCpuMs } from './bench-support';

export interface Stages {
  readonly accepted: number;
  readonly committed: number;
  readonly pending: number;
  readonly dead: number;
  readonly projected: number;
  /** Seconds from the first receipt stored to the last one committed / projected. */
  readonly commitSpanS: number;
  readonly projectSpanS: number;
  readonly commitP50Ms: number;
  readonly commitP95Ms: number;
  readonly projectP50Ms: number;
  readonly projectP95Ms: number;
  /** Rows of the points_accruals read model for the phase's receipts. */
  readonly accrualRows: number;
}

const STAGES_SQL = `
WITH items AS (
  SELECT i.status, i.created_at, i.committed_at, e.created_at AS projected_at
  FROM intake_items i LEFT JOIN events e ON e.tx_id = i.tx_id AND e.type = 'ledger.changes' AND i.status = 'committed'
  WHERE i.kind = 'haide.receipt' AND i.natural_key LIKE $1)
SELECT count(*)::int AS accepted,
  count(*) FILTER (WHERE status = 'committed')::int AS committed,
  count(*) FILTER (WHERE status = 'pending')::int AS pending,
  count(*) FILTER (WHERE status = 'dead')::int AS dead,
  count(projected_at)::int AS projected,
  coalesce(extract(epoch FROM max(committed_at) - min(created_at)), 0)::float AS "commitSpanS",
  coalesce(extract(epoch FROM max(projected_at) - min(created_at)), 0)::float AS "projectSpanS",
  coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM committed_at - created_at)), 0) * 1000 AS "commitP50Ms",
  coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM committed_at - created_at)), 0) * 1000 AS "commitP95Ms",
  coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM projected_at - created_at)), 0) * 1000 AS "projectP50Ms",
  coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM projected_at - created_at)), 0) * 1000 AS "projectP95Ms"
FROM items`;

/** Stage figures of the receipts whose flowNo starts with `tag-` (the middleware's own records). */
export async function stages(pg: Client, programId: string, tag: string): Promise<Stages> {
  const s = (await pg.query<Omit<Stages, 'accrualRows'>>(STAGES_SQL, [`BENCH/%/${tag}-%`])).rows[0];
  const rows = await pg.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM points_accruals WHERE program_id = $1 AND source_ref LIKE $2',
    [programId, `haide:BENCH/%/${tag}-%`],
  );
  if (s === undefined) throw new Error('no stage figures');
  return { ...s, accrualRows: rows.rows[0]?.n ?? 0 };
}

export interface LedgerCount {
  /** Distinct receipts credited (a new accrual record) on the ledger. */
  readonly credited: number;
  /** Receipts credited by more than one transaction (must be 0). */
  readonly doubled: number;
  /** VALID transactions that credited them. */
  readonly transactions: number;
  readonly blocks: number;
}

interface Change {
  readonly entity: string;
  readonly op: string;
  readonly data?: { readonly sourceRef?: string; readonly reversed?: number };
}

/** The sourceRef of a change that creates one of the phase's accrual records (not a later reversal's update). */
function newAccrualRef(c: Change, marker: string): string | undefined {
  const ref = c.data?.sourceRef;
  if (c.entity !== 'accrual' || c.op !== 'put' || c.data?.reversed !== 0) return undefined;
  return ref?.startsWith('haide:BENCH/') === true && ref.includes(marker) ? ref : undefined;
}

/** Counts the phase's accruals in the chaincode events from `fromBlock` to now, through `peer` (Mall B's). */
export async function ledgerCount(peer: LedgerPort, fromBlock: bigint, tag: string): Promise<LedgerCount> {
  const events = await eventsSince(peer, fromBlock, `bench-pos-fence-${tag}-${Date.now()}`);
  const marker = `/${tag}-`;
  const credits = new Map<string, number>();
  const txs = new Set<string>();
  const blocks = new Set<bigint>();
  for (const e of events) {
    if (e.eventName !== 'mallchain.changes') continue;
    for (const c of changesOf<Change>(e.payload)) {
      const ref = newAccrualRef(c, marker);
      if (ref === undefined) continue;
      credits.set(ref, (credits.get(ref) ?? 0) + 1);
      txs.add(e.txId);
      blocks.add(e.blockNumber);
    }
  }
  return {
    credited: credits.size,
    doubled: [...credits.values()].filter((n) => n > 1).length,
    transactions: txs.size,
    blocks: blocks.size,
  };
}

/** CPU time per process between two snapshots. */
export interface CpuSnapshot {
  readonly at: number;
  readonly procs: ReadonlyMap<string, number>;
  readonly postgres: ReadonlyMap<number, number>;
}

export async function cpuSnapshot(pids: ReadonlyMap<string, number>, pg: Client): Promise<CpuSnapshot> {
  const procs = new Map<string, number>();
  for (const [name, pid] of pids) procs.set(name, processCpuMs(pid));
  const self = process.cpuUsage();
  procs.set(process.env.BENCH_SELF_NAME ?? 'bench client (tills)', (self.user + self.system) / 1000);
  return { at: Date.now(), procs, postgres: await postgresCpu(pg) };
}

/** Cores used by each process (CPU ms ÷ wall ms) between `a` and `b`, busiest first. */
export function cpuSplit(a: CpuSnapshot, b: CpuSnapshot): { name: string; cores: number }[] {
  const wall = b.at - a.at;
  const out = [...b.procs].map(([name, ms]) => ({ name, cores: (ms - (a.procs.get(name) ?? 0)) / wall }));
  out.push({
    name: 'postgres (backends of the mall database)',
    cores: postgresCpuDelta(a.postgres, b.postgres) / wall,
  });
  return out.sort((x, y) => y.cores - x.cores);
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
