// Where the time of the attestation phases goes: the outbox's claims and the SubmitAttestations calls, measured
// inside the bench's middleware process by wrapping OutboxStore.claim and the ledger port's submit.
import type { INestApplication } from '@nestjs/common';
import { OutboxStore } from '../src/intake/outbox.store';
import { LEDGER, type LedgerPort, type SubmitOptions } from '../src/ledger/ledger.port';

interface Call {
  readonly start: number;
  sentAt?: number;
  end?: number;
  readonly entries: number;
  ok?: boolean;
}

export interface PathFigures {
  readonly claims: number;
  readonly claimP50Ms: number;
  readonly claimP95Ms: number;
  /** Share of the phase's wall time spent inside claims (they are serialised under one advisory lock). */
  readonly claimBusy: number;
  readonly calls: number;
  readonly failedCalls: number;
  readonly entriesPerCall: number;
  /** Endorsement: from the call to its signed transaction (both peers executed the chaincode). */
  readonly endorseP50Ms: number;
  /** Ordering and commit: from sending to the commit status. */
  readonly commitP50Ms: number;
  /** SubmitAttestations calls in flight, on average over the phase and at most. */
  readonly meanInFlight: number;
  readonly maxInFlight: number;
}

function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0);
}

/** Wraps the claim and the submit of `app`'s outbox; `figures` reports what happened since `reset`. */
export class PathProbe {
  #claims: number[] = [];
  #calls: Call[] = [];
  #since = Date.now();

  constructor(app: INestApplication) {
    const store = app.get(OutboxStore);
    const claim = store.claim.bind(store);
    store.claim = async (...args: Parameters<OutboxStore['claim']>): ReturnType<OutboxStore['claim']> => {
      const t0 = performance.now();
      try {
        return await claim(...args);
      } finally {
        this.#claims.push(performance.now() - t0);
      }
    };
    const ledger = app.get<LedgerPort>(LEDGER);
    const submit = ledger.submit.bind(ledger);
    ledger.submit = async (fn: string, args: readonly string[], opts?: SubmitOptions) => {
      if (fn !== 'devices:SubmitAttestations') return submit(fn, args, opts);
      const n = (JSON.parse(args[0] ?? '{}') as { attestations?: unknown[] }).attestations?.length ?? 0;
      const call: Call = { start: Date.now(), entries: n };
      this.#calls.push(call);
      const beforeSend = opts?.beforeSend;
      try {
        const r = await submit(fn, args, {
          ...opts,
          beforeSend: async (tx) => {
            call.sentAt = Date.now();
            await beforeSend?.(tx);
          },
        });
        call.ok = true;
        return r;
      } finally {
        call.end = Date.now();
      }
    };
  }

  reset(): void {
    this.#claims = [];
    this.#calls = [];
    this.#since = Date.now();
  }

  figures(): PathFigures {
    const now = Date.now();
    const wall = Math.max(1, now - this.#since);
    const calls = this.#calls;
    const done = calls.filter((c) => c.end !== undefined);
    // In flight over time: +1 at each start, −1 at each end.
    const steps = calls.flatMap((c): [number, number][] => [
      [c.start, 1],
      [c.end ?? now, -1],
    ]);
    steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let level = 0;
    let max = 0;
    let area = 0;
    let last = this.#since;
    for (const [t, d] of steps) {
      area += level * (t - last);
      last = t;
      level += d;
      max = Math.max(max, level);
    }
    const sent = done.filter((c) => c.sentAt !== undefined);
    return {
      claims: this.#claims.length,
      claimP50Ms: pct(this.#claims, 0.5),
      claimP95Ms: pct(this.#claims, 0.95),
      claimBusy: Number((this.#claims.reduce((a, b) => a + b, 0) / wall).toFixed(2)),
      calls: calls.length,
      failedCalls: done.filter((c) => c.ok !== true).length,
      entriesPerCall: Number((calls.reduce((a, c) => a + c.entries, 0) / Math.max(1, calls.length)).toFixed(1)),
      endorseP50Ms: pct(
        sent.map((c) => (c.sentAt ?? 0) - c.start),
        0.5,
      ),
      commitP50Ms: pct(
        sent.map((c) => (c.end ?? 0) - (c.sentAt ?? 0)),
        0.5,
      ),
      meanInFlight: Number((area / wall).toFixed(2)),
      maxInFlight: max,
    };
  }
}
