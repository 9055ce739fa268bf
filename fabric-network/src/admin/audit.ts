/** One record per admin operation: who, what, when, result. The middleware stores them. */
import { randomUUID } from 'node:crypto';
import { AdminError } from './errors';

export interface AuditRecord {
  readonly id: string;
  readonly actor: string;
  /** e.g. `mall.propose-add`, `proposal.sign`, `chaincode.upgrade`. */
  readonly operation: string;
  /** What the operation acted on (channel, mall, proposal id, identity...). */
  readonly target: Readonly<Record<string, string | number | boolean | null>>;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `refused`: the operation was not allowed or its input was wrong; `failed`: it broke. */
  readonly result: 'ok' | 'refused' | 'failed';
  readonly error?: { readonly code: string; readonly message: string };
  /** A short account of what happened, e.g. the new config sequence. */
  readonly outcome?: Readonly<Record<string, string | number | boolean | null>>;
}

export type AuditSink = (record: AuditRecord) => void;

export interface AuditedCall<T> {
  readonly operation: string;
  readonly target: AuditRecord['target'];
  readonly run: () => Promise<T>;
  readonly outcome?: (value: T) => AuditRecord['outcome'];
}

/** Runs `call` and hands exactly one record to `sink`, whether it succeeds or throws. */
export async function audited<T>(actor: string, sink: AuditSink, call: AuditedCall<T>): Promise<T> {
  const startedAt = new Date().toISOString();
  const base = { id: randomUUID(), actor, operation: call.operation, target: call.target, startedAt };
  try {
    const value = await call.run();
    sink({ ...base, finishedAt: new Date().toISOString(), result: 'ok', outcome: call.outcome?.(value) });
    return value;
  } catch (e) {
    const refused = e instanceof AdminError && e.code !== 'NOT_READY';
    const error = {
      code: e instanceof AdminError ? e.code : e instanceof Error ? e.name : 'Error',
      message: e instanceof Error ? e.message : String(e),
    };
    sink({ ...base, finishedAt: new Date().toISOString(), result: refused ? 'refused' : 'failed', error });
    throw e;
  }
}
