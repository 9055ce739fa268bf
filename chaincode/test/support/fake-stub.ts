/**
 * An in-memory ChaincodeStub with Fabric's semantics where they matter to contracts:
 * reads see committed state only (not the transaction's own writes), writes are kept in a
 * write set that is committed only when the transaction function returns, and a thrown
 * error leaves state untouched. One event per transaction, like the real stub.
 */
import { TEST_CERTS } from './fake-certs';
import type { Contract } from 'fabric-contract-api';
import { canonicalize } from '../../src/common/canonical';
import { expandChanges } from '../../src/wire/change-event';

const SEP = '\u0000';

export interface Identity {
  mspId: string;
  role: 'admin' | 'client' | 'peer' | 'member';
  name?: string;
  /** PEM certificate presented as the creator (its OU is what the chaincode reads). */
  cert: string;
}

export const IDS = {
  mallAAdmin: { mspId: 'MallAMSP', role: 'admin', name: 'Admin@mall-a.example.com', cert: TEST_CERTS.mallAAdmin },
  mallAClient: { mspId: 'MallAMSP', role: 'client', name: 'User1@mall-a.example.com', cert: TEST_CERTS.mallAClient },
  mallBAdmin: { mspId: 'MallBMSP', role: 'admin', name: 'Admin@mall-b.example.com', cert: TEST_CERTS.mallBAdmin },
  mallBClient: { mspId: 'MallBMSP', role: 'client', name: 'User1@mall-b.example.com', cert: TEST_CERTS.mallBClient },
  unknown: { mspId: 'OtherMSP', role: 'member', name: 'someone@other.example.com', cert: TEST_CERTS.unknown },
} satisfies Record<string, Identity>;

/** A Mall A client whose CN contains "/OU=admin": it must never pass as an admin. */
export const FORGED_ADMIN: Identity = {
  mspId: 'MallAMSP',
  role: 'client',
  name: 'evil/OU=admin@mall-a.example.com',
  cert: TEST_CERTS.forgedAdmin,
};

export interface TxEvent {
  name: string;
  payload: unknown;
}

export interface TxResult<T = unknown> {
  txId: string;
  result: T;
  event?: TxEvent;
}

interface StateIterator {
  next(): Promise<{ done: boolean; value: { key: string; value: Uint8Array } }>;
  close(): Promise<void>;
}

/** Validation outcome of a transaction, as the committing peer reports it. */
export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

/** A transaction endorsed but not yet committed: the held-envelope case. */
export interface Endorsed<T = unknown> {
  txId: string;
  result: T;
  /** Keys read (with the version read), as the read set of the proposal response carries them. */
  readSet: ReadonlyMap<string, number>;
  /** Validates the read set against committed state now, and commits the writes when valid. */
  commit(): ValidationCode;
}

export class Ledger {
  readonly state = new Map<string, Uint8Array>();
  /** Committed version of every key (bumped on every committed write or delete), for MVCC checks. */
  readonly versions = new Map<string, number>();
  /**
   * The peer's `ledger.state.totalQueryLimit` (core.yaml, default 100000): a range query
   * silently returns at most this many results. Tests lower it to reach the bound.
   */
  totalQueryLimit = 100_000;
  private versionCounter = 0;
  /** Key-level endorsement policies (state-based endorsement), committed like state. */
  readonly validationParameters = new Map<string, Uint8Array>();
  readonly events: TxEvent[] = [];
  /** Transaction time in ms; tests move it forward with {@link advance}. */
  now = Date.parse('2026-03-01T02:00:00Z');
  private txCounter = 0;
  channelId = 'mallchannel';
  /**
   * Private data by collection (implicit collections `_implicit_org_<msp>`), committed with the transaction. Like a
   * peer, a read answers only on a peer of the collection's org ({@link InvokeOptions.peerMsp}); others hold hashes.
   */
  readonly privateData = new Map<string, Map<string, Uint8Array>>();

  advance(ms: number): void {
    this.now += ms;
  }

  /** Runs `fn` of `contract` as `who` with string arguments, like a peer would (endorse, then commit). */
  async invoke<T = unknown>(
    contract: Contract,
    fn: string,
    args: string[],
    who: Identity,
    opts: InvokeOptions = {},
  ): Promise<TxResult<T>> {
    const endorsed = await this.endorse<T>(contract, fn, args, who, opts);
    const code = endorsed.commit();
    if (code !== 'VALID') throw new Error(`${endorsed.txId} did not validate: ${code}`);
    return { txId: endorsed.txId, result: endorsed.result, event: endorsed.event };
  }

  /**
   * Endorses `fn` without committing it: the caller commits the envelope later (or never),
   * and the commit validates the read set and the range reads like the peer's MVCC check.
   */
  async endorse<T = unknown>(
    contract: Contract,
    fn: string,
    args: string[],
    who: Identity,
    opts: InvokeOptions = {},
  ): Promise<Endorsed<T> & { event?: TxEvent }> {
    const txId = `tx${String(++this.txCounter).padStart(6, '0')}`;
    const tx = new FakeTx(this, txId, fn, args, { peerMsp: who.mspId, ...opts });
    const ctx = contract.createContext() as unknown as {
      setChaincodeStub(s: unknown): void;
      setClientIdentity(c: unknown): void;
    };
    ctx.setChaincodeStub(tx);
    ctx.setClientIdentity(fakeIdentity(who));
    const method = (contract as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[fn];
    if (typeof method !== 'function') throw new Error(`no transaction ${fn}`);
    await contract.beforeTransaction(ctx as never);
    const raw = await method.call(contract, ctx, ...args);
    await contract.afterTransaction(ctx as never, raw);
    const result = (typeof raw === 'string' && raw.length > 0 ? JSON.parse(raw) : raw) as T;
    let committed = false;
    return {
      txId,
      result,
      event: tx.event,
      readSet: tx.readSet,
      commit: (): ValidationCode => {
        if (committed) throw new Error(`${txId} was already committed`);
        committed = true;
        const code = tx.validate();
        if (code === 'VALID') tx.commit();
        return code;
      },
    };
  }

  /** The committed version of `key` (0 when it was never written). */
  versionOf(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  /** Records a committed write of `key`. */
  bump(key: string): void {
    this.versions.set(key, ++this.versionCounter);
  }

  /** Snapshot of state as readable key → parsed JSON, for "nothing was written" checks. */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of [...this.state.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out[k.split(SEP).filter(Boolean).join('/')] = JSON.parse(Buffer.from(v).toString('utf8'));
    }
    return out;
  }
}

/** Per-invocation inputs a real proposal carries besides the arguments. */
export interface InvokeOptions {
  /** Transient data (never in the write set). */
  transient?: Record<string, Uint8Array>;
  /** MSP of the endorsing peer (default: the caller's): decides which implicit collection it can read. */
  peerMsp?: string;
}

function fakeIdentity(who: Identity): unknown {
  const cn = who.name ?? `${who.role}@${who.mspId}`;
  const ou = who.role === 'member' ? '' : `/OU=${who.role}`;
  const id = `x509::/C=US/ST=California/L=San Francisco${ou}/CN=${cn}::/C=US/ST=California/L=San Francisco/O=${who.mspId}/CN=ca.${who.mspId}`;
  return {
    getMSPID: () => who.mspId,
    getID: () => id,
    getAttributeValue: () => null,
    assertAttributeValue: () => false,
    getIDBytes: () => Buffer.from(who.cert),
  };
}

interface RangeRead {
  match: (key: string) => boolean;
  /** Keys and versions the query returned; validation re-runs it and compares. */
  seen: [string, number][];
  /** Read to the end: then a key added after the last one read is a phantom too (Fabric's ItrExhausted). */
  exhausted: boolean;
}

class FakeTx {
  private readonly writes = new Map<string, Uint8Array | null>();
  readonly readSet = new Map<string, number>();
  private readonly ranges: RangeRead[] = [];
  private readonly validation = new Map<string, Uint8Array>();
  private readonly privateWrites = new Map<string, Map<string, Uint8Array>>();
  event?: TxEvent;

  constructor(
    private readonly ledger: Ledger,
    private readonly txId: string,
    private readonly fn: string,
    private readonly args: string[],
    private readonly opts: InvokeOptions = {},
  ) {}

  getTransient(): Map<string, Uint8Array> {
    return new Map(Object.entries(this.opts.transient ?? {}));
  }
  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    if (!collection.startsWith('_implicit_org_')) throw new Error(`collection ${collection} is not defined`);
    if (!key) throw new Error('key must not be empty');
    const writes = this.privateWrites.get(collection) ?? new Map<string, Uint8Array>();
    writes.set(key, value);
    this.privateWrites.set(collection, writes);
    return Promise.resolve();
  }
  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    const peer = this.opts.peerMsp;
    if (peer === undefined || collection !== `_implicit_org_${peer}`) return Promise.resolve(new Uint8Array(0));
    return Promise.resolve(this.ledger.privateData.get(collection)?.get(key) ?? new Uint8Array(0));
  }

  getTxID(): string {
    return this.txId;
  }
  getChannelID(): string {
    return this.ledger.channelId;
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.fn, params: this.args };
  }
  getTxTimestamp(): { seconds: number; nanos: number } {
    return { seconds: Math.floor(this.ledger.now / 1000), nanos: (this.ledger.now % 1000) * 1_000_000 };
  }
  getDateTimestamp(): Date {
    return new Date(this.ledger.now);
  }
  getMspID(): string {
    return 'PeerMSP';
  }
  getState(key: string): Promise<Uint8Array> {
    this.readSet.set(key, this.ledger.versionOf(key));
    return Promise.resolve(this.ledger.state.get(key) ?? new Uint8Array(0));
  }
  putState(key: string, value: Uint8Array): Promise<void> {
    if (!key) throw new Error('key must not be empty');
    this.writes.set(key, value);
    return Promise.resolve();
  }
  deleteState(key: string): Promise<void> {
    this.writes.set(key, null);
    return Promise.resolve();
  }
  setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.validation.set(key, ep);
    return Promise.resolve();
  }
  getStateValidationParameter(key: string): Promise<Uint8Array | undefined> {
    // Like the peer: committed metadata only, and undefined (not empty bytes) when there is none.
    return Promise.resolve(this.ledger.validationParameters.get(key));
  }
  createCompositeKey(objectType: string, attributes: string[]): string {
    return SEP + objectType + SEP + attributes.map((a) => a + SEP).join('');
  }
  splitCompositeKey(key: string): { objectType: string; attributes: string[] } {
    const parts = key.split(SEP).slice(1, -1);
    return { objectType: parts[0] ?? '', attributes: parts.slice(1) };
  }
  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<StateIterator> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return Promise.resolve(this.iterate((k) => k.startsWith(prefix)));
  }
  getStateByRange(start: string, end: string): Promise<StateIterator> {
    return Promise.resolve(this.iterate((k) => k >= start && (end === '' || k < end) && !k.startsWith(SEP)));
  }
  getHistoryForKey(): Promise<never> {
    return Promise.reject(new Error('history is not available in unit tests'));
  }
  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) };
  }

  /** MVCC: every key read is still at the version read, and every range read returns the same keys. */
  validate(): ValidationCode {
    for (const [k, version] of this.readSet) {
      if (this.ledger.versionOf(k) !== version) return 'MVCC_READ_CONFLICT';
    }
    for (const range of this.ranges) {
      const all = this.matching(range.match);
      const now = range.exhausted ? all : all.slice(0, range.seen.length);
      const same =
        now.length === range.seen.length &&
        now.every((k, i) => k === range.seen[i]?.[0] && this.ledger.versionOf(k) === range.seen[i][1]);
      if (!same) return 'PHANTOM_READ_CONFLICT';
    }
    return 'VALID';
  }

  commit(): void {
    this.checkEventDescribesWrites();
    for (const [k, v] of this.writes) {
      if (v === null) this.ledger.state.delete(k);
      else this.ledger.state.set(k, v);
      this.ledger.bump(k);
    }
    for (const [k, v] of this.validation) this.ledger.validationParameters.set(k, v);
    for (const [collection, writes] of this.privateWrites) {
      const stored = this.ledger.privateData.get(collection) ?? new Map<string, Uint8Array>();
      for (const [k, v] of writes) stored.set(k, v);
      this.ledger.privateData.set(collection, stored);
    }
    if (this.event) this.ledger.events.push(this.event);
  }

  /**
   * The transaction's event, expanded (wire/change-event.ts: compact accruals stand for four writes each), names
   * every key the transaction writes with the value it writes, and nothing else: what the middleware projects
   * is what the ledger holds. Every committed transaction of every unit test passes this check.
   */
  private checkEventDescribesWrites(): void {
    const written = new Map<string, string | null>();
    for (const [k, v] of this.writes) {
      const id = k.startsWith(SEP) ? k.split(SEP).slice(1, -1).join('/') : k;
      written.set(id, v === null ? null : Buffer.from(v).toString('utf8'));
    }
    if (this.writes.size === 0 && this.event === undefined) return;
    const payload = (this.event?.payload ?? { changes: [] }) as { v?: unknown; txId?: unknown; changes?: unknown };
    const described = new Map<string, string | null>();
    for (const c of expandChanges(payload) as { id: string; op: string; data?: unknown }[]) {
      described.set(c.id, c.op === 'delete' ? null : canonicalize(c.data));
    }
    const wrong = [...new Set([...written.keys(), ...described.keys()])].filter(
      (id) => written.get(id) !== described.get(id),
    );
    if (wrong.length > 0) {
      const show = wrong
        .slice(0, 3)
        .map((id) => `${id}: wrote ${String(written.get(id))}, event ${String(described.get(id))}`);
      throw new Error(`${this.txId} (${this.fn}): the event does not describe its writes: ${show.join('; ')}`);
    }
  }

  private matching(match: (key: string) => boolean): string[] {
    return [...this.ledger.state.keys()].filter(match).sort();
  }

  /** Like the peer: committed state only, cut silently at `totalQueryLimit`; what was read is re-checked at commit. */
  private iterate(match: (key: string) => boolean): StateIterator {
    const keys = this.matching(match).slice(0, this.ledger.totalQueryLimit);
    const range: RangeRead = { match, seen: [], exhausted: false };
    this.ranges.push(range);
    let i = 0;
    const state = this.ledger.state;
    return {
      next: () => {
        const k = keys[i++];
        if (k === undefined) {
          range.exhausted = true;
          return Promise.resolve({ done: true, value: { key: '', value: new Uint8Array(0) } });
        }
        range.seen.push([k, this.ledger.versionOf(k)]);
        return Promise.resolve({ done: false, value: { key: k, value: state.get(k) ?? new Uint8Array(0) } });
      },
      close: () => Promise.resolve(),
    };
  }
}
