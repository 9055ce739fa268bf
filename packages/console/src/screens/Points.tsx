import { type ReactNode, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { dailyFlow, lastDays, monthWindow, type PointsDay, yuan } from '../lib/figures';
import type { AwaitingStatements, ClearingNet, IntakeAck, IntakeItem, Liability, Statement } from '../types';
import { ActionButton, Loaded, Table, useLoad } from '../ui';

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

/** Points accrued, reversed and redeemed per Asia/Shanghai day of one program (default: the last 30 days). */
function Daily(): ReactNode {
  const programs = useLoad(() => api.get<{ programId: string }[]>('/v1/points/programs'), []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [span, setSpan] = useState(() => lastDays(new Date(), 30));
  const programId = chosen ?? programs.data?.[0]?.programId;
  const load = useLoad(
    () =>
      programId === undefined
        ? Promise.resolve(undefined)
        : api.get<{ days: PointsDay[] }>(
            `/v1/points/daily?programId=${encodeURIComponent(programId)}&from=${span.from}&to=${span.to}`,
          ),
    [programId, span.from, span.to],
  );
  const field = (name: 'from' | 'to', label: string): ReactNode => (
    <>
      <label htmlFor={`daily-${name}`}>{label}</label>
      <input
        id={`daily-${name}`}
        type="date"
        value={span[name]}
        onChange={(e) => {
          if (e.target.value !== '') setSpan({ ...span, [name]: e.target.value });
        }}
      />
    </>
  );
  return (
    <section aria-labelledby="daily-h">
      <h3 id="daily-h">Accruals and redemptions per day</h3>
      <label htmlFor="daily-program">Program</label>
      <select
        id="daily-program"
        value={programId ?? ''}
        onChange={(e) => {
          setChosen(e.target.value);
        }}
      >
        {(programs.data ?? []).map((p) => (
          <option key={p.programId} value={p.programId}>
            {p.programId}
          </option>
        ))}
      </select>
      {field('from', 'From (Asia/Shanghai day)')}
      {field('to', 'To (included, ≤ 92 days)')}
      {programs.data !== undefined && programId === undefined && <p className="empty">No programs.</p>}
      {programId !== undefined && (
        <Loaded load={load}>
          {(answer) => {
            if (answer === undefined) return null;
            const { rows, totals } = dailyFlow(answer.days);
            return (
              <>
                <figure className="chart" aria-label="Points accrued and redeemed per day">
                  <figcaption>Points accrued vs redeemed per Asia/Shanghai day</figcaption>
                  <ResponsiveContainer width="100%" height={220}>
                    <BarChart
                      data={rows.map((r) => ({ day: r.day.slice(5), accrued: r.accrued, redeemed: r.redeemed }))}
                    >
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="day" />
                      <YAxis />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="accrued" fill="#3b7dd8" isAnimationActive={false} />
                      <Bar dataKey="redeemed" fill="#d8833b" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
                <Table
                  caption="Points per Asia/Shanghai day (count of transactions in brackets), and the range's total"
                  rows={[...rows, { ...totals, day: 'total' }]}
                  rowId={(r) => `daily-${r.day}`}
                  columns={[
                    { title: 'day', cell: (r) => r.day },
                    { title: 'accrued', cell: (r) => `${r.accrued} (${r.accruals})`, numeric: true },
                    { title: 'reversed', cell: (r) => `${r.reversed} (${r.reversals})`, numeric: true },
                    { title: 'redeemed', cell: (r) => `${r.redeemed} (${r.redemptions})`, numeric: true },
                    { title: 'net', cell: (r) => r.net, numeric: true },
                  ]}
                />
              </>
            );
          }}
        </Loaded>
      )}
    </section>
  );
}

function Clearing(): ReactNode {
  const [span, setSpan] = useState(() => monthWindow(new Date()));
  // Netted by the middleware (GET /v1/points/clearing/net), not here: the console draws the route's figures.
  const load = useLoad(
    () => api.get<ClearingNet>(`/v1/points/clearing/net?from=${span.from}&to=${span.to}`),
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
        {(net) => (
          <>
            <Table
              caption="Who owes whom, entries set off both ways"
              rows={net.owed}
              rowId={(o) => `owes-${o.debtor}-${o.creditor}`}
              empty="Nothing owed in this span."
              columns={[
                { title: 'debtor', cell: (o) => o.debtor },
                { title: '→', cell: () => 'owes' },
                { title: 'creditor', cell: (o) => o.creditor },
                { title: 'amount (¥)', cell: (o) => yuan(o.amountFen), numeric: true },
              ]}
            />
            <Table
              caption="Net position per mall (receivable − payable)"
              rows={net.positions}
              rowId={(p) => `position-${p.mall}`}
              empty="No positions in this span."
              columns={[
                { title: 'mall', cell: (p) => p.mall },
                { title: 'receivable (¥)', cell: (p) => yuan(p.receivableFen), numeric: true },
                { title: 'payable (¥)', cell: (p) => yuan(p.payableFen), numeric: true },
                { title: 'net (¥)', cell: (p) => yuan(p.netFen), numeric: true },
              ]}
            />
            <p data-testid="clearing-entries">{net.entries} clearing entries</p>
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

/** Polls an intake item until the ledger has decided it: committed (its block) or dead (its error). */
async function tracked(trackingId: string, progress: (text: string) => void): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const item = await api.get<IntakeItem>(`/v1/intake/${trackingId}`);
    if (item.status === 'committed') return `confirmed: committed in block ${item.blockNumber ?? '?'}`;
    if (item.status === 'dead') throw new Error(`confirmation dead: ${item.errorCode ?? ''} ${item.lastError ?? ''}`);
    progress(`confirmation ${item.status} (attempt ${item.attempts}, tracking ${trackingId.slice(0, 8)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return `confirmation still pending (tracking ${trackingId})`;
}

/** Statements in which this mall has a position it has not confirmed; an admin confirms them here. */
function Awaiting(): ReactNode {
  const load = useLoad(() => api.get<AwaitingStatements>('/v1/points/statements/awaiting'), []);
  return (
    <section aria-labelledby="awaiting-h">
      <h3 id="awaiting-h">Waiting for this mall&apos;s confirmation</h3>
      <Loaded load={load}>
        {(a) => (
          <Table
            caption={`Statements ${a.mall} has a position in and has not confirmed`}
            rows={a.statements}
            rowId={(s) => `awaiting-${s.periodId}`}
            empty={`Nothing waits for ${a.mall}.`}
            columns={[
              { title: 'period', cell: (s) => `${s.from} … ${s.to}` },
              {
                title: 'net of this mall (¥)',
                cell: (s) => yuan(s.positions.find((p) => p.mall === a.mall)?.netFen ?? 0),
                numeric: true,
              },
              {
                title: 'action',
                cell: (s) => (
                  <ActionButton
                    label={`Confirm ${s.from.slice(0, 10)}`}
                    confirm={`Confirm the statement ${s.periodId} on behalf of ${a.mall}?`}
                    action={async (progress) => {
                      const ack = await api.post<IntakeAck>(
                        `/v1/points/statements/${encodeURIComponent(s.periodId)}/confirm`,
                      );
                      progress(`confirmation accepted: ${ack.status} (tracking ${ack.trackingId.slice(0, 8)})`);
                      return tracked(ack.trackingId, progress);
                    }}
                  />
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </section>
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

/** Points: liability per program, points per day, the clearing span netted, the statements of closed periods. */
export function PointsScreen(): ReactNode {
  return (
    <>
      <Liabilities />
      <Daily />
      <Clearing />
      <Awaiting />
      <Statements />
    </>
  );
}
