import { type ReactNode, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { addDays, shanghaiDay, treeOrder } from '../lib/figures';
import { Loaded, Table, useLoad } from '../ui';

interface Site {
  readonly siteKey: string;
  readonly siteName: string;
  readonly siteType: number;
  readonly parentSiteKey: string | null;
}

interface Point {
  readonly dataTime: string;
  readonly inNum: number;
  readonly outNum: number;
  readonly sites: number;
}

interface Series {
  readonly siteKey: string;
  readonly siteName: string;
  readonly own: Point[];
  readonly children: { siteKeys: string[]; sum: Point[] };
}

interface ProofStatus {
  readonly proof: 'verified' | 'edited' | 'pending' | 'unproven';
  readonly mismatches: string[];
}

const INTERVALS = [
  { code: 'D', label: 'day (7 days)', days: 7 },
  { code: 'H', label: 'hour', days: 1 },
  { code: '15', label: '15 minutes', days: 1 },
] as const;

function Proof({ siteKey, dataTime, interval }: { siteKey: string; dataTime: string; interval: string }): ReactNode {
  const [status, setStatus] = useState<string>();
  const check = async (): Promise<void> => {
    setStatus('checking…');
    try {
      const q = new URLSearchParams({ siteKey, dataTime, interval });
      const p = await api.get<ProofStatus>(`/v1/traffic/proof-status?${q.toString()}`);
      setStatus(p.proof === 'edited' ? `edited since anchoring (${p.mismatches.join(', ')})` : p.proof);
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    }
  };
  return status === undefined ? (
    <button type="button" onClick={() => void check()}>
      Check proof {dataTime.slice(11, 16)}
    </button>
  ) : (
    <span role="status">{status}</span>
  );
}

function SeriesView({ siteKey, interval, day }: { siteKey: string; interval: string; day: string }): ReactNode {
  const span = INTERVALS.find((i) => i.code === interval)?.days ?? 1;
  const from = `${addDays(day, 1 - span)} 00:00:00`;
  const to = `${addDays(day, 1)} 00:00:00`;
  const load = useLoad(() => {
    const q = new URLSearchParams({ siteKey, from, to, interval });
    return api.get<Series>(`/v1/traffic/series?${q.toString()}`);
  }, [siteKey, from, to, interval]);
  return (
    <Loaded load={load}>
      {(s) => {
        const sums = new Map(s.children.sum.map((p) => [p.dataTime, p.inNum]));
        const data = s.own.map((p) => ({
          time: p.dataTime.slice(5, 16),
          in: p.inNum,
          out: p.outNum,
          children: sums.get(p.dataTime),
        }));
        return (
          <>
            <figure className="chart" aria-label={`People in and out at ${s.siteName}`}>
              <figcaption>
                {s.siteName} ({s.siteKey}): in / out per bucket
                {s.children.siteKeys.length > 0 && `, and the sum of its ${s.children.siteKeys.length} children (in)`}
              </figcaption>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="time" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Line dataKey="in" stroke="#3b7dd8" isAnimationActive={false} dot={false} />
                  <Line dataKey="out" stroke="#c9463d" isAnimationActive={false} dot={false} />
                  <Line dataKey="children" stroke="#3ba55c" isAnimationActive={false} dot={false} />
                </LineChart>
              </ResponsiveContainer>
            </figure>
            <Table
              caption={`Buckets of ${s.siteKey} (${s.own.length})`}
              rows={s.own}
              rowId={(p) => `bucket-${p.dataTime}`}
              empty="No buckets in this window."
              columns={[
                { title: 'time (Shanghai)', cell: (p) => p.dataTime },
                { title: 'in', cell: (p) => p.inNum, numeric: true },
                { title: 'out', cell: (p) => p.outNum, numeric: true },
                { title: 'children in', cell: (p) => sums.get(p.dataTime) ?? '', numeric: true },
                {
                  title: 'proof',
                  cell: (p) => <Proof siteKey={s.siteKey} dataTime={p.dataTime} interval={interval} />,
                },
              ]}
            />
          </>
        );
      }}
    </Loaded>
  );
}

/** Traffic: the site tree, a site's counts per bucket (day / hour / 15 minutes) and each bucket's proof status. */
export function TrafficScreen(): ReactNode {
  const sites = useLoad(() => api.get<Site[]>('/v1/traffic/sites'), []);
  const [site, setSite] = useState<string>();
  const [interval, setBucket] = useState<string>('H');
  const [day, setDay] = useState(() => shanghaiDay(new Date()));
  return (
    <Loaded load={sites}>
      {(list) => {
        if (list.length === 0) return <p className="empty">No sites: no counter has pushed yet.</p>;
        const chosen = site ?? treeOrder(list)[0]?.siteKey ?? '';
        return (
          <div className="split">
            <nav aria-label="Site tree" className="tree">
              <ul>
                {treeOrder(list).map((s) => (
                  <li key={s.siteKey} style={{ paddingLeft: `${s.depth}rem` }}>
                    <button
                      type="button"
                      aria-pressed={s.siteKey === chosen}
                      data-testid={`site-${s.siteKey}`}
                      onClick={() => {
                        setSite(s.siteKey);
                      }}
                    >
                      {s.siteName} <code>{s.siteKey}</code>
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
            <section aria-label="Counts">
              <label htmlFor="traffic-interval">Buckets</label>
              <select
                id="traffic-interval"
                value={interval}
                onChange={(e) => {
                  setBucket(e.target.value);
                }}
              >
                {INTERVALS.map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.label}
                  </option>
                ))}
              </select>
              <label htmlFor="traffic-day">Day (Shanghai)</label>
              <input
                id="traffic-day"
                type="date"
                value={day}
                onChange={(e) => {
                  if (e.target.value !== '') setDay(e.target.value);
                }}
              />
              <SeriesView key={`${chosen}|${interval}|${day}`} siteKey={chosen} interval={interval} day={day} />
            </section>
          </div>
        );
      }}
    </Loaded>
  );
}
