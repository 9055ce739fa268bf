import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import {
  ChaincodeRejectedError,
  type LedgerCheckpoint,
  type LedgerEvent,
  type LedgerPort,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from '../../src/ledger/ledger.port';
import { settleDuplicate } from '../../src/ledger/submit-policy';

interface Tx {
  readonly txId: string;
  readonly blockNumber: string;
  readonly fn: string;
  readonly args: readonly string[];
  /** Changes a {@link FakeContract} made, emitted as the transaction's `mallchain.changes` event. */
  readonly changes?: readonly unknown[];
}

type Listener = () => void;

/** Journal `fn` of a transaction whose event payload is given as is (base64 in `args[0]`, event name in `args[1]`). */
export const RAW = 'raw';

/** Another chaincode contract played by a test (e.g. test/support/fake-devices.ts). */
export interface FakeContract {
  handles(fn: string): boolean;
  /** Executes a write with the contract's rules; throws ChaincodeRejectedError to refuse it. */
  submit(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] };
  /**
   * Called when a transaction `submit` endorsed is ordered and committed (not when it is only endorsed, or its
   * sending fails): what it writes takes effect here. Throw MvccConflictError when what it read changed meanwhile.
   */
  commit?(fn: string, args: readonly string[]): void;
  evaluate(fn: string, args: readonly string[]): string;
}

/**
 * In-memory stand-in for the ledger, for the middleware's own tests. It implements the one
 * chaincode function the backbone uses (`info:PutNote` / `info:GetNote`) with the chaincode's
 * rules and emits the same `mallchain.changes` event. With `journal`, every committed
 * transaction is appended (fsync'd) to a file and replayed on start, so the ledger outlives a
 * killed middleware process.
 */
export class FakeLedger implements LedgerPort {
  readonly txs: Tx[] = [];
  readonly #state = new Map<string, unknown>();
  readonly #events: LedgerEvent[] = [];
  readonly #listeners = new Set<Listener>();
  /** Called before each submit; throw to simulate a failure, await to delay. */
  beforeSubmit: ((fn: string, args: readonly string[]) => Promise<void>) | undefined;
  /** Called after `beforeSend` accepted the transaction, before it is ordered: await to make ordering slow. */
  beforeOrder: ((fn: string, args: readonly string[]) => Promise<void>) | undefined;
  /**
   * Called after a transaction committed, before the answer: return an error to simulate a commit whose answer
   * was lost (a timeout although the transaction is on the ledger).
   */
  afterCommit: ((fn: string, args: readonly string[], txId: string) => Error | undefined) | undefined;
  /** Transaction IDs that `txStatus` does not report yet (a commit that peers have not shown). */
  readonly hidden = new Set<string>();
  /** When set, `txStatus` fails with it (peer unreachable). */
  statusError: Error | undefined;
  up = true;
  /**
   * When true, `submit` hands out a signed envelope (the tx ID's bytes) with the tx ID, and `resubmit` can send it
   * again; when false (the default) the fake behaves like a driver that cannot resend.
   */
  envelopes = false;
  /**
   * How many `txStatus` look-ups of each committed transaction answer "not found" before it is reported VALID (a
   * lagging peer, or a failover to a peer behind the one that committed it).
   */
  statusLag = 0;
  readonly #lookups = new Map<string, number>();
  /** Transactions handed out by `submit` with an envelope but not (yet) ordered. */
  readonly #unsent = new Map<string, { fn: string; args: readonly string[] }>();
  readonly mspId: string;
  readonly #contracts: readonly FakeContract[];
  /** Answers of other queries (`points:GetBalance`, …) for tests of features the fake does not simulate. */
  readonly queries = new Map<string, (args: readonly string[]) => unknown>();

  constructor(options: { journal?: string; mspId?: string; contracts?: readonly FakeContract[] } = {}) {
    this.mspId = options.mspId ?? 'MallAMSP';
    this.#contracts = options.contracts ?? [];
    this.#journal = options.journal;
    if (this.#journal !== undefined && existsSync(this.#journal)) {
      for (const line of readFileSync(this.#journal, 'utf8').split('\n')) {
        if (line.trim() !== '') this.#apply(JSON.parse(line) as Tx);
      }
    }
  }

  readonly #journal: string | undefined;

  get height(): bigint {
    return BigInt(this.txs.length);
  }

  async submit(fn: string, args: readonly string[], opts: SubmitOptions = {}): Promise<SubmitResult> {
    if (this.beforeSubmit) await this.beforeSubmit(fn, args);
    const { result, changes } = this.#execute(fn, args);
    const txId = randomBytes(32).toString('hex');
    // As the real drivers do: the ID is handed out after endorsement, before ordering; a refusal sends nothing.
    if (this.envelopes) this.#unsent.set(txId, { fn, args });
    if (opts.beforeSend) await opts.beforeSend({ txId, ...(this.envelopes ? { envelope: Buffer.from(txId) } : {}) });
    if (this.beforeOrder) await this.beforeOrder(fn, args);
    return this.#order(txId, fn, args, result, changes);
  }

  /**
   * Sends a kept envelope again. One already ordered answers `DUPLICATE_TXID`, settled by the same rule as the
   * gateway driver's ({@link settleDuplicate}), over this fake's own (possibly lagging) `txStatus`.
   */
  async resubmit(envelope: Uint8Array): Promise<SubmitResult> {
    const txId = Buffer.from(envelope).toString();
    if (this.txs.some((t) => t.txId === txId))
      return settleDuplicate(txId, (id) => this.txStatus(id), new Uint8Array());
    const unsent = this.#unsent.get(txId);
    if (unsent === undefined) throw new Error(`fake ledger: no envelope ${txId}`);
    if (this.beforeSubmit) await this.beforeSubmit(unsent.fn, unsent.args);
    const again = this.#execute(unsent.fn, unsent.args);
    return this.#order(txId, unsent.fn, unsent.args, again.result, again.changes);
  }

  #order(txId: string, fn: string, args: readonly string[], result: string, changes: readonly unknown[]): SubmitResult {
    this.#unsent.delete(txId);
    this.#contracts.find((c) => c.handles(fn))?.commit?.(fn, args);
    const tx: Tx = {
      txId,
      blockNumber: (this.height + 1n).toString(),
      fn,
      args,
      ...(changes.length > 0 ? { changes } : {}),
    };
    this.#journalTx(tx);
    this.#apply(tx);
    const lost = this.afterCommit?.(fn, args, txId);
    if (lost) throw lost;
    return { txId: tx.txId, blockNumber: BigInt(tx.blockNumber), result: Buffer.from(result) };
  }

  evaluate(fn: string, args: readonly string[]): Promise<Uint8Array> {
    const contract = this.#contracts.find((c) => c.handles(fn));
    // A throw inside the executor rejects the promise, as a refused evaluate does.
    if (contract)
      return new Promise((resolve) => {
        resolve(Buffer.from(contract.evaluate(fn, args)));
      });
    const query = this.queries.get(fn);
    if (query) {
      try {
        return Promise.resolve(Buffer.from(JSON.stringify(query(args))));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    if (fn !== 'info:GetNote')
      return Promise.reject(new ChaincodeRejectedError('INPUT_INVALID', `unknown function ${fn}`));
    const note = this.#state.get(`note/${args[0] ?? ''}`);
    if (note === undefined)
      return Promise.reject(new ChaincodeRejectedError('NOT_FOUND', `note ${args[0] ?? ''} does not exist`));
    return Promise.resolve(Buffer.from(JSON.stringify(note)));
  }

  async chaincodeEvents(
    fromBlock: bigint | undefined,
    onEvent: (e: LedgerEvent) => Promise<void>,
    signal: AbortSignal,
    after?: LedgerCheckpoint,
  ): Promise<void> {
    let i = fromBlock === undefined ? this.#events.length : this.#events.findIndex((e) => e.blockNumber >= fromBlock);
    if (i < 0) i = this.#events.length;
    if (after?.txId !== undefined) {
      const seen = this.#events.findIndex((e) => e.blockNumber === after.blockNumber && e.txId === after.txId);
      if (seen >= 0) i = Math.max(i, seen + 1);
    }
    while (!signal.aborted) {
      const e = this.#events[i];
      if (e) {
        await onEvent(e);
        i++;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#listeners.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#listeners.add(wake);
        signal.addEventListener('abort', wake);
      });
    }
  }

  /**
   * Commits a transaction whose chaincode event carries `payload` exactly as given, without touching the
   * state (tests of events the projection must refuse: not JSON, wrong types, constraint violations).
   */
  emitRaw(payload: Uint8Array | string, eventName = 'mallchain.changes'): LedgerEvent {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
    const tx: Tx = {
      txId: randomBytes(32).toString('hex'),
      blockNumber: (this.height + 1n).toString(),
      fn: RAW,
      args: [bytes.toString('base64'), eventName],
    };
    this.#journalTx(tx);
    this.#apply(tx);
    const event = this.#events.at(-1);
    if (!event) throw new Error('no event');
    return event;
  }

  /** Changes the world state of a note behind the projection's back (a read model that verify must find stale). */
  setNote(id: string, note: unknown): void {
    if (note === undefined) this.#state.delete(`note/${id}`);
    else this.#state.set(`note/${id}`, note);
  }

  txStatus(txId: string): Promise<TxStatus> {
    if (this.statusError) return Promise.reject(this.statusError);
    const seen = this.#lookups.get(txId) ?? 0;
    const lagging = seen < this.statusLag && this.txs.some((t) => t.txId === txId);
    if (lagging) this.#lookups.set(txId, seen + 1);
    const tx = this.hidden.has(txId) || lagging ? undefined : this.txs.find((t) => t.txId === txId);
    return Promise.resolve(
      tx ? { txId, found: true, validationCode: 'VALID', blockNumber: BigInt(tx.blockNumber) } : { txId, found: false },
    );
  }

  ping(): Promise<boolean> {
    return Promise.resolve(this.up);
  }

  close(): void {
    for (const l of [...this.#listeners]) l();
  }

  /** Chaincode-equivalent checks of `info:PutNote`; throws the chaincode's rejection. */
  #execute(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] } {
    const contract = this.#contracts.find((c) => c.handles(fn));
    if (contract) return contract.submit(fn, args);
    if (fn !== 'info:PutNote') throw new ChaincodeRejectedError('INPUT_INVALID', `unknown function ${fn}`);
    let req: { id?: unknown; text?: unknown };
    try {
      req = JSON.parse(args[0] ?? '') as { id?: unknown; text?: unknown };
    } catch {
      throw new ChaincodeRejectedError('INPUT_INVALID', 'request: must be JSON');
    }
    if (typeof req.id !== 'string' || req.id === '')
      throw new ChaincodeRejectedError('INPUT_INVALID', 'id: must not be empty');
    if (typeof req.text !== 'string' || req.text.length > 1024)
      throw new ChaincodeRejectedError('INPUT_INVALID', 'text: must have at most 1024 characters');
    return { result: JSON.stringify({ id: req.id, text: req.text }), changes: [] };
  }

  #journalTx(tx: Tx): void {
    if (this.#journal === undefined) return;
    const fd = openSync(this.#journal, 'a');
    appendFileSync(fd, `${JSON.stringify(tx)}\n`);
    fsyncSync(fd);
    closeSync(fd);
  }

  #apply(tx: Tx): void {
    if (tx.fn === RAW) {
      this.txs.push(tx);
      const [payload = '', eventName = 'mallchain.changes'] = tx.args;
      this.#events.push({
        blockNumber: BigInt(tx.blockNumber),
        txId: tx.txId,
        eventName,
        payload: Buffer.from(payload, 'base64'),
      });
      for (const l of [...this.#listeners]) l();
      return;
    }
    if (tx.fn !== 'info:PutNote') {
      this.txs.push(tx);
      if (tx.changes) this.#emit(tx, { changes: tx.changes, fn: tx.fn.split(':')[1], txId: tx.txId });
      return;
    }
    const req = JSON.parse(tx.args[0] ?? '{}') as { id: string; text: string };
    const note = {
      id: req.id,
      text: req.text,
      writtenBy: this.mspId,
      writtenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.txs.length)).toISOString(),
    };
    this.txs.push(tx);
    this.#state.set(`note/${req.id}`, note);
    const payload = {
      changes: [{ data: note, entity: 'note', id: `note/${req.id}`, op: 'put' }],
      fn: 'PutNote',
      txId: tx.txId,
    };
    this.#emit(tx, payload);
  }

  #emit(tx: Tx, payload: object): void {
    this.#events.push({
      blockNumber: BigInt(tx.blockNumber),
      txId: tx.txId,
      eventName: 'mallchain.changes',
      payload: Buffer.from(canonicalize(payload) ?? ''),
    });
    for (const l of [...this.#listeners]) l();
  }
}
