import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';

export interface Load<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `fetcher` on mount, on `reload()` and every `refreshMs` (0: never); the latest answer wins. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: readonly unknown[], refreshMs = 0): Load<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const run = useCallback(fetcher, deps);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    run().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
  }, [run, tick]);
  useEffect(() => {
    if (refreshMs <= 0) return undefined;
    const t = setInterval(() => {
      setTick((n) => n + 1);
    }, refreshMs);
    return () => {
      clearInterval(t);
    };
  }, [refreshMs]);
  return {
    data,
    error,
    loading,
    reload: () => {
      setTick((n) => n + 1);
    },
  };
}

/** Shows the error, a loading line, or the content once there is data. */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }): ReactNode {
  if (load.error !== undefined && load.data === undefined)
    return (
      <p role="alert" className="error">
        {load.error}
      </p>
    );
  if (load.data === undefined) return <p aria-live="polite">Loading…</p>;
  return (
    <>
      {load.error !== undefined && (
        <p role="alert" className="error">
          {load.error}
        </p>
      )}
      {children(load.data)}
    </>
  );
}

export interface Column<R> {
  readonly title: string;
  readonly cell: (row: R) => ReactNode;
  readonly numeric?: boolean;
}

/** A captioned table; each row gets `data-testid` = `rowId` so tests (and people) can find it. */
export function Table<R>(props: {
  caption: string;
  rows: readonly R[];
  columns: readonly Column<R>[];
  rowId: (row: R) => string;
  empty?: string;
}): ReactNode {
  if (props.rows.length === 0) return <p className="empty">{props.empty ?? `${props.caption}: none`}</p>;
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c.title} scope="col" className={c.numeric === true ? 'num' : undefined}>
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={props.rowId(r)} data-testid={props.rowId(r)}>
            {props.columns.map((c) => (
              <td key={c.title} data-col={c.title} className={c.numeric === true ? 'num' : undefined}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A figure with its label, for the tiles at the top of a screen. */
export function Figure({ label, value, id }: { label: string; value: ReactNode; id: string }): ReactNode {
  return (
    <div className="figure" data-testid={id}>
      <span className="label">{label}</span>
      <span className="value">{value}</span>
    </div>
  );
}

/**
 * A button that runs an action once at a time and reports its outcome in a live region; a long action (one tracked
 * through the intake) reports its progress through `progress` before its outcome.
 */
export function ActionButton(props: {
  label: string;
  action: (progress: (text: string) => void) => Promise<string>;
  confirm?: string;
  danger?: boolean;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const go = async (): Promise<void> => {
    if (props.confirm !== undefined && !window.confirm(props.confirm)) return;
    setBusy(true);
    try {
      setOutcome({
        ok: true,
        text: await props.action((text) => {
          setOutcome({ ok: true, text });
        }),
      });
    } catch (e) {
      setOutcome({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      <button
        type="button"
        className={props.danger === true ? 'danger' : undefined}
        disabled={busy}
        onClick={() => void go()}
      >
        {props.label}
      </button>
      {outcome && (
        <span role="status" className={outcome.ok ? 'ok' : 'error'}>
          {outcome.text}
        </span>
      )}
    </span>
  );
}
