import { type ReactNode, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { byBucket, byKind, INTAKE_STATES, totalsOf } from '../lib/figures';
import { INTAKE_WINDOWS, type IntakeItem, type IntakeSummary, type IntakeWindow } from '../types';
import { ActionButton, Figure, Loaded, Table, useLoad } from '../ui';

const COLORS = { pending: '#3b7dd8', stalled: '#d89b3b', committed: '#3ba55c', dead: '#c9463d' } as const;

function History({ item }: { item: IntakeItem }): ReactNode {
  return (
    <details>
      <summary>history ({item.history?.length ?? 0})</summary>
      <ol>
        {(item.history ?? []).map((h, i) => (
          <li key={i}>
            {h.at} {h.status}
            {h.code !== undefined && ` ${h.code}`}
            {h.reason !== undefined && `: ${h.reason}`}
            {h.txId !== undefined && ` tx ${h.txId}`}
            {h.by !== undefined && ` by ${h.by}`}
          </li>
        ))}
      </ol>
    </details>
  );
}

function Lookup(): ReactNode {
  const [id, setId] = useState('');
  const [item, setItem] = useState<IntakeItem>();
  const [error, setError] = useState<string>();
  const find = async (): Promise<void> => {
    setError(undefined);
    setItem(undefined);
    try {
      setItem(await api.get<IntakeItem>(`/v1/intake/${encodeURIComponent(id.trim())}`));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="lookup-h">
      <h3 id="lookup-h">An item&apos;s history</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <label htmlFor="tracking-id">Tracking ID</label>
        <input
          id="tracking-id"
          value={id}
          onChange={(e) => {
            setId(e.target.value);
          }}
          required
          pattern="[0-9a-fA-F\-]{36}"
        />
        <button type="submit">Look up</button>
      </form>
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {item && (
        <dl className="item" data-testid="lookup-result">
          <dt>Status</dt>
          <dd>{item.status}</dd>
          <dt>Kind</dt>
          <dd>{item.kind}</dd>
          <dt>Attempts</dt>
          <dd>{item.attempts}</dd>
          <dt>Transaction</dt>
          <dd>{item.txId ?? '—'}</dd>
          <dt>Block</dt>
          <dd>{item.blockNumber ?? '—'}</dd>
          {item.lastError !== null && (
            <>
              <dt>Last error</dt>
              <dd>{item.lastError}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

const WINDOW_LABELS: Record<IntakeWindow, string> = {
  '24h': 'last 24 hours, per hour (UTC)',
  '7d': 'last 7 days, per Asia/Shanghai day',
  '30d': 'last 30 days, per Asia/Shanghai day',
};

/**
 * Intake flow: items per state (now, per source, per hour or day accepted), the dead items with requeue, one item's
 * history.
 */
export function IntakeScreen(): ReactNode {
  const [hist, setHist] = useState<IntakeWindow>('24h');
  const summary = useLoad(() => api.get<IntakeSummary>(`/v1/admin/intake/summary?window=${hist}`), [hist], 10_000);
  const dead = useLoad(() => api.get<IntakeItem[]>('/v1/admin/intake?status=dead&limit=100'), []);
  return (
    <>
      <Loaded load={summary}>
        {(s) => {
          const t = totalsOf(s.counts);
          return (
            <>
              <div className="figures" role="group" aria-label="Items per state">
                <Figure id="intake-accepted" label="accepted" value={t.accepted} />
                {INTAKE_STATES.map((st) => (
                  <Figure key={st} id={`intake-${st}`} label={st} value={t[st]} />
                ))}
              </div>
              <Table
                caption="Per source (intake kind)"
                rows={byKind(s.counts)}
                rowId={(r) => `kind-${r.kind}`}
                columns={[
                  { title: 'kind', cell: (r) => r.kind },
                  ...INTAKE_STATES.map((st) => ({
                    title: st,
                    cell: (r: Record<string, number | string>) => r[st],
                    numeric: true,
                  })),
                ]}
              />
              <label htmlFor="intake-window">History window</label>
              <select
                id="intake-window"
                value={hist}
                onChange={(e) => {
                  setHist(e.target.value as IntakeWindow);
                }}
              >
                {INTAKE_WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {WINDOW_LABELS[w]}
                  </option>
                ))}
              </select>
              <figure
                className="chart"
                aria-label={`Items accepted, ${WINDOW_LABELS[s.window]}, by state now`}
                data-testid={`intake-chart-${s.window}`}
              >
                <figcaption>
                  Accepted ({WINDOW_LABELS[s.window]}), by state now:{' '}
                  <span data-testid="intake-window-total">{s.series.reduce((n, b) => n + b.count, 0)}</span>
                </figcaption>
                <ResponsiveContainer width="100%" height={220}>
                  <BarChart data={byBucket(s.series, s.bucket)}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="label" />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Legend />
                    {INTAKE_STATES.map((st) => (
                      <Bar key={st} dataKey={st} stackId="s" fill={COLORS[st]} isAnimationActive={false} />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            </>
          );
        }}
      </Loaded>
      <section aria-labelledby="dead-h">
        <h3 id="dead-h">Dead items</h3>
        <Loaded load={dead}>
          {(items) => (
            <Table
              caption="Dead items, most recent first"
              rows={items}
              rowId={(r) => `dead-${r.trackingId}`}
              empty="No dead items."
              columns={[
                { title: 'tracking ID', cell: (r) => <code>{r.trackingId}</code> },
                { title: 'kind', cell: (r) => r.kind },
                { title: 'attempts', cell: (r) => r.attempts, numeric: true },
                { title: 'error', cell: (r) => `${r.errorCode ?? ''} ${r.lastError ?? ''}` },
                { title: 'history', cell: (r) => <History item={r} /> },
                {
                  title: 'action',
                  cell: (r) => (
                    <ActionButton
                      label={`Requeue ${r.trackingId.slice(0, 8)}`}
                      action={async () => {
                        const v = await api.post<IntakeItem>(`/v1/admin/intake/${r.trackingId}/requeue`);
                        summary.reload();
                        return `requeued: ${v.status}`;
                      }}
                    />
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </section>
      <Lookup />
    </>
  );
}
