import type { FakeContract } from '../support/fake-ledger';

/** Records every points:* submit as the chaincode would receive it (and accepts it, changing nothing). */
export class RecordingPoints implements FakeContract {
  readonly submits: { fn: string; request: unknown }[] = [];
  handles(fn: string): boolean {
    return fn.startsWith('points:');
  }
  submit(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] } {
    this.submits.push({ fn, request: JSON.parse(args[0] ?? 'null') as unknown });
    return { result: '{}', changes: [] };
  }
  /** A read answers with what it was asked, so a test can see the relay. */
  evaluate(fn: string, args: readonly string[]): string {
    return JSON.stringify({ evaluated: fn, request: JSON.parse(args[0] ?? 'null') as unknown });
  }
}
