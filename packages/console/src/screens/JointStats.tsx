import type { ReactNode } from 'react';
import { api } from '../api';
import { Loaded, Table, useLoad } from '../ui';

interface RoundRow {
  readonly roundId: string;
  readonly phase?: string;
  readonly participation?: { status?: string } | null;
  readonly result?: unknown;
  readonly [k: string]: unknown;
}

function short(v: unknown): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** Joint statistics: the rounds this mall takes part in, their phase, this mall's participation and the result. */
export function JointStatsScreen(): ReactNode {
  const load = useLoad(() => api.get<{ rounds: RoundRow[] }>('/v1/jointstats/rounds'), [], 15_000);
  return (
    <Loaded load={load}>
      {({ rounds }) => (
        <Table
          caption={`Joint-statistics rounds (${rounds.length})`}
          rows={rounds}
          rowId={(r) => `round-${r.roundId}`}
          empty="No rounds yet."
          columns={[
            { title: 'round', cell: (r) => r.roundId },
            { title: 'phase', cell: (r) => short(r.phase) },
            { title: 'participation', cell: (r) => short(r.participation?.status ?? r.participation) },
            { title: 'result', cell: (r) => short(r.result) },
          ]}
        />
      )}
    </Loaded>
  );
}
