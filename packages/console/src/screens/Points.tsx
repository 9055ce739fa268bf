import { type ReactNode, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { monthWindow, netting, yuan } from '../lib/figures';
import type { ClearingEntry, Liability, Statement } from '../types';
import { Loaded, Table, useLoad } from '../ui';

function Liabilities(): ReactNode {
  const load = useLoad(() => api.get<Liability[]>('/v1/points/liabilities'), []);
  return (
    <section aria-labelledby="liab-h">
      <h3 id="liab-h">Liability per program</h3>
      <Loaded load={load}>
        {(rows) => (
          <>
            <Table
              caption="Points outstanding × unit value"
              rows={rows}
              rowId={(r) => `program-${r.programId}`}
              empty="No programs."
              columns={[
                { title: 'program', cell: (r) => `${r.name} (${r.programId})` },
                { title: 'issuer', cell: (r) => r.issuer },
                { title: 'outstanding', cell: (r) => r.outstanding, numeric: true },
                { title: 'unit value (fen)', cell: (r) => r.unitValueFen, numeric: true },
                { title: 'liability (¥)', cell: (r) => yuan(r.liabilityFen), numeric: true },
                { title: 'expiring ≤ 30 days', cell: (r) => r.expiringSoon, numeric: true },
              ]}
            />
            {rows.length > 0 && (
              <figure className="chart" aria-label="Liability per program in yuan">
                <figcaption>Liability per program (¥)</figcaption>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={rows.map((r) => ({ program: r.programId, yuan: r.liabilityFen / 100 }))}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="program" />
                    <YAxis />
                    <Tooltip />
                    <Bar dataKey="yuan" fill="#3b7dd8" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function Clearing(): ReactNode {
  const [span, setSpan] = useState(() => monthWindow(new Date()));
  const load = useLoad(
    () => api.get<ClearingEntry[]>(`/v1/points/clearing?from=${span.from}&to=${span.to}`),
    [span.from, span.to],
  );
  const field = (name: 'from' | 'to', label: string): ReactNode => (
    <>
      <label htmlFor={`clearing-${name}`}>{label}</label>
      <input
        id={`clearing-${name}`}
        type="date"
        value={span[name].slice(0, 10)}
        onChange={(e) => {
          if (e.target.value !== '') setSpan({ ...span, [name]: `${e.target.value}T00:00:00.000Z` });
        }}
      />
    </>
  );
  return (
    <section aria-labelledby="clearing-h">
      <h3 id="clearing-h">Clearing positions</h3>
      {field('from', 'From (UTC)')}
      {field('to', 'To (UTC, exclusive)')}
      <Loaded load={load}>
        {(entries) => (
          <>
            <Table
              caption="Who owes whom, entries set off both ways"
              rows={netting(entries)}
              rowId={(o) => `owes-${o.debtor}-${o.creditor}`}
              empty="Nothing owed in this span."
              columns={[
                { title: 'debtor', cell: (o) => o.debtor },
                { title: '→', cell: () => 'owes' },
                { title: 'creditor', cell: (o) => o.creditor },
                { title: 'amount (¥)', cell: (o) => yuan(o.amountFen), numeric: true },
              ]}
            />
            <p data-testid="clearing-entries">{entries.length} clearing entries</p>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** Who confirmed a statement, and which malls of its positions have not yet. */
function Confirmations({ statement }: { statement: Statement }): ReactNode {
  const load = useLoad(
    () =>
      api.get<{ confirmations: { mall: string }[] }>(`/v1/points/statements/${encodeURIComponent(statement.periodId)}`),
    [statement.periodId],
  );
  if (load.error !== undefined) return <span className="error">{load.error}</span>;
  if (load.data === undefined) return '…';
  const confirmed = new Set(load.data.confirmations.map((c) => c.mall));
  const waiting = statement.positions.map((p) => p.mall).filter((m) => !confirmed.has(m));
  return (
    <span data-testid={`confirmations-${statement.periodId}`}>
      {confirmed.size > 0 && `confirmed by ${[...confirmed].sort().join(', ')}`}
      {confirmed.size > 0 && waiting.length > 0 && '; '}
      {waiting.length > 0 ? `waiting for ${waiting.sort().join(', ')}` : 'all confirmed'}
    </span>
  );
}

function Statements(): ReactNode {
  const load = useLoad(() => api.get<Statement[]>('/v1/points/statements'), []);
  return (
    <section aria-labelledby="statements-h">
      <h3 id="statements-h">Statements</h3>
      <Loaded load={load}>
        {(rows) => (
          <Table
            caption="Closed periods, newest first"
            rows={rows}
            rowId={(s) => `statement-${s.periodId}`}
            empty="No period closed yet."
            columns={[
              { title: 'period', cell: (s) => `${s.from.slice(0, 10)} … ${s.to.slice(0, 10)}` },
              { title: 'entries', cell: (s) => s.entries, numeric: true },
              {
                title: 'payments',
                cell: (s) => s.payments.map((p) => `${p.from} → ${p.to} ¥${yuan(p.amountFen)}`).join('; ') || 'none',
              },
              { title: 'closed', cell: (s) => s.closedAt },
              { title: 'confirmations', cell: (s) => <Confirmations statement={s} /> },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

/** Points: liability per program, the clearing span netted, the statements of closed periods. */
export function PointsScreen(): ReactNode {
  return (
    <>
      <Liabilities />
      <Clearing />
      <Statements />
    </>
  );
}
