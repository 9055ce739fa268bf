import { AppConfig, BatcherConfig } from '../config/app-config';
import { ATTESTATION_CODEC } from '../ledger/domain/device.ledger';
import { ACCRUE_CODEC } from '../ledger/domain/points.ledger';
import { LedgerFunctions } from '../ledger/ledger-functions';
import {
  ChaincodeRejectedError,
  LedgerTimeoutError,
  type LedgerPort,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { BatchCarrier, splitRefused } from './batch-carrier';
import { KeyOrder } from './key-order';
import type { ClaimedItem, OutboxStore, Outcome, SentTx } from './outbox.store';
import type { RecordedTx } from './tx-recovery';

const NOTHING: RecordedTx = { txId: null, envelope: null, sentAt: null };

function accrual(i: number, program = 'p1', sent: RecordedTx = NOTHING): ClaimedItem {
  const args = [JSON.stringify({ amount: 10 + i, member: `did:x:${i}`, programId: program, sourceRef: `r${i}` })];
  return {
    outboxId: String(i),
    trackingId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    token: 't',
    kind: 'receipt',
    naturalKey: `k${i}`,
    fn: 'points:Accrue',
    args,
    attempts: 0,
    createdAt: new Date(),
    orderingKey: null,
    sent,
  };
}

function attestationItem(i: number): ClaimedItem {
  const entry = { kid: 'did:d#key-1', signature: `sig${i}`, statement: { deviceDid: 'did:d', seq: i } };
  return { ...accrual(i), fn: 'devices:SubmitAttestations', args: [JSON.stringify({ attestations: [entry] })] };
}

/** A ledger that refuses any call whose argument contains one of `refused`, naming the batch index when asked. */
class BatchLedger implements Partial<LedgerPort> {
  readonly calls: { fn: string; arg: Record<string, unknown> }[] = [];
  readonly log: string[] = [];
  refused = new Set<string>();
  nameIndex = true;
  failWith: Error | undefined;
  status: TxStatus = { txId: 'old', found: false };
  #n = 0;

  async submit(fn: string, args: readonly string[], opts?: SubmitOptions): Promise<SubmitResult> {
    const arg = JSON.parse(args[0] ?? '{}') as Record<string, unknown>;
    this.calls.push({ fn, arg });
    const list = (arg.items ?? arg.attestations ?? [arg]) as { sourceRef?: string; signature?: string }[];
    const bad = list.findIndex((e) => this.refused.has(e.sourceRef ?? e.signature ?? ''));
    if (bad >= 0) {
      const where = this.nameIndex && list.length > 1 ? `items[${bad}].member: ` : '';
      throw new ChaincodeRejectedError('NOT_FOUND', `${where}member does not exist`);
    }
    const txId = `tx${++this.#n}`;
    await opts?.beforeSend?.({ txId, envelope: new Uint8Array([this.#n]) });
    if (this.failWith) throw this.failWith;
    const answer = fn === 'points:AccrueBatch' ? { results: list } : { anchored: list };
    return { txId, blockNumber: BigInt(this.#n), result: Buffer.from(JSON.stringify(answer)) };
  }

  resubmit(envelope: Uint8Array): Promise<SubmitResult> {
    this.log.push(`resend:${envelope.join(',')}`);
    return Promise.resolve({ txId: 'old', blockNumber: 7n, result: new Uint8Array() });
  }

  txStatus(txId: string): Promise<TxStatus> {
    this.log.push(`status:${txId}`);
    return Promise.resolve(this.status);
  }
}

/** Attestation `seq` of device `did` (ordering key = the DID), queued at outbox row `row`. */
function deviceItem(did: string, seq: number, row: number): ClaimedItem {
  const entry = { kid: `${did}#key-1`, signature: `${did}/${seq}`, statement: { deviceDid: did, seq } };
  return {
    ...accrual(row),
    naturalKey: `${did}#${seq}`,
    orderingKey: did,
    fn: 'devices:SubmitAttestations',
    args: [JSON.stringify({ attestations: [entry] })],
  };
}

function setup(opts: { callMaxItems?: number; recordOk?: boolean; order?: KeyOrder } = {}): {
  ledger: BatchLedger;
  carrier: BatchCarrier;
  recorded: SentTx[][];
  run: (items: ClaimedItem[]) => Promise<Outcome[]>;
} {
  const ledger = new BatchLedger();
  const recorded: SentTx[][] = [];
  const store = {
    recordSentAll: (list: readonly SentTx[]) => {
      recorded.push([...list]);
      return Promise.resolve(opts.recordOk ?? true);
    },
  } as unknown as OutboxStore;
  const batcher = Object.assign(new BatcherConfig(), { callMaxItems: opts.callMaxItems ?? 100, backoffMs: 5 });
  const appConfig = Object.assign(new AppConfig(), { batcher, ledger: { driver: 'gateway' } });
  const functions = new LedgerFunctions();
  functions.register('points:Accrue', { idempotent: true, batch: ACCRUE_CODEC });
  functions.register('devices:SubmitAttestations', { idempotent: false, batch: ATTESTATION_CODEC });
  const carrier = new BatchCarrier(store, ledger as unknown as LedgerPort, appConfig, new MetricsService(), functions);
  const run = async (items: ClaimedItem[]): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    for (const unit of carrier.units(items)) {
      await carrier.carry(unit, {
        // The one-item path as the batcher has it, reduced to what these tests need.
        single: async (item) => {
          try {
            const r = await ledger.submit(item.fn, item.args);
            return { kind: 'committed', item, txId: r.txId, blockNumber: r.blockNumber };
          } catch (e) {
            if (!(e instanceof ChaincodeRejectedError)) throw e;
            return { kind: 'dead', item, code: e.code, reason: e.reason };
          }
        },
        settle: (o) => {
          opts.order?.observe(o);
          out.push(o);
          return Promise.resolve();
        },
        held: opts.order && ((i) => opts.order?.held(i) === true),
      });
    }
    return out;
  };
  return { ledger, carrier, recorded, run };
}

const byKind = (out: Outcome[], kind: Outcome['kind']): string[] =>
  out.filter((o) => o.kind === kind).map((o) => o.item.naturalKey);

describe('BatchCarrier', () => {
  it('groups unsent accruals by program into calls of at most BATCH_CALL_MAX_ITEMS, in queue order', () => {
    const { carrier } = setup({ callMaxItems: 2 });
    const units = carrier.units([accrual(1), accrual(2, 'p2'), accrual(3), accrual(4), attestationItem(5)]);
    expect(units.map((u) => u.map((i) => i.naturalKey))).toEqual([['k1', 'k3'], ['k4'], ['k2'], ['k5']]);
  });

  it('keeps items recorded under one tx ID together, whatever their function', () => {
    const sent = { txId: 'tx-old', envelope: new Uint8Array([1]), sentAt: new Date() };
    const { carrier } = setup();
    const units = carrier.units([accrual(1, 'p1', sent), accrual(2), accrual(3, 'p1', sent)]);
    expect(units.map((u) => u.map((i) => i.naturalKey))).toEqual([['k1', 'k3'], ['k2']]);
  });

  it('carries 5 accruals as one AccrueBatch, records the transaction on all before sending, commits all', async () => {
    const { ledger, recorded, run } = setup();
    const items = [1, 2, 3, 4, 5].map((i) => accrual(i));
    const out = await run(items);
    expect(ledger.calls.map((c) => c.fn)).toEqual(['points:AccrueBatch']);
    expect(ledger.calls[0]?.arg).toEqual({
      programId: 'p1',
      items: items.map((_, i) => ({ amount: 11 + i, member: `did:x:${i + 1}`, sourceRef: `r${i + 1}` })),
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.map((t) => t.txId)).toEqual(['tx1', 'tx1', 'tx1', 'tx1', 'tx1']);
    expect(out.map((o) => o.kind === 'committed' && o.txId)).toEqual(['tx1', 'tx1', 'tx1', 'tx1', 'tx1']);
  });

  it('isolates the entry an AccrueBatch rejection names: it alone is dead with its code, the rest commit in one call', async () => {
    const { ledger, run } = setup();
    ledger.refused.add('r3');
    const out = await run([1, 2, 3, 4, 5].map((i) => accrual(i)));
    expect(byKind(out, 'dead')).toEqual(['k3']);
    expect(out.find((o) => o.kind === 'dead')).toMatchObject({ code: 'NOT_FOUND' });
    expect(byKind(out, 'committed').sort()).toEqual(['k1', 'k2', 'k4', 'k5']);
    // the batch, the named entry alone, the other four together
    expect(ledger.calls.map((c) => c.fn)).toEqual(['points:AccrueBatch', 'points:Accrue', 'points:AccrueBatch']);
    expect(ledger.calls[2]?.arg.items).toHaveLength(4);
  });

  it('halves an attestation batch whose rejection names no index until the refused entry is alone', async () => {
    const { ledger, run } = setup();
    ledger.nameIndex = false;
    ledger.refused.add('sig6');
    const out = await run([1, 2, 3, 4, 5, 6, 7, 8].map(attestationItem));
    expect(byKind(out, 'dead')).toEqual(['k6']);
    expect(byKind(out, 'committed').sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k7', 'k8']);
    // Every committed call carries its entries in queue order (one device's sequence numbers stay increasing).
    for (const c of ledger.calls) {
      const seqs = (c.arg.attestations as { statement: { seq: number } }[]).map((a) => a.statement.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(ledger.calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(8)));
  });

  it('retries every item of a batch after an infrastructure failure; none is dead', async () => {
    const { ledger, run } = setup();
    ledger.failWith = new LedgerTimeoutError('commitStatus', 'no answer within 60 s');
    const out = await run([1, 2, 3].map((i) => accrual(i)));
    expect(out.map((o) => o.kind)).toEqual(['retry', 'retry', 'retry']);
  });

  it('sends nothing when the transaction cannot be recorded on every item (one was taken over)', async () => {
    const { ledger, run } = setup({ recordOk: false });
    ledger.failWith = new Error('must not be reached');
    const out = await run([1, 2, 3].map((i) => accrual(i)));
    expect(out.map((o) => o.kind)).toEqual(['retry', 'retry', 'retry']);
    expect(out.every((o) => o.kind === 'retry' && o.reason.includes('not sent'))).toBe(true);
  });

  it('after a crash looks a shared tx ID up once and re-sends its envelope once for the whole group', async () => {
    const sent = { txId: 'old', envelope: new Uint8Array([4, 2]), sentAt: new Date() };
    const { ledger, run } = setup();
    const out = await run([accrual(1, 'p1', sent), accrual(2, 'p1', sent), accrual(3, 'p1', sent)]);
    expect(ledger.log).toEqual(['status:old', 'resend:4,2']);
    expect(ledger.calls).toEqual([]);
    expect(out.map((o) => o.kind === 'committed' && o.txId)).toEqual(['old', 'old', 'old']);
  });

  it('after a crash settles the whole group committed when its tx ID is VALID, sending nothing', async () => {
    const sent = { txId: 'old', envelope: new Uint8Array([1]), sentAt: new Date() };
    const { ledger, run } = setup();
    ledger.status = { txId: 'old', found: true, validationCode: 'VALID', blockNumber: 9n };
    const out = await run([accrual(1, 'p1', sent), accrual(2, 'p1', sent)]);
    expect(ledger.log).toEqual(['status:old']);
    expect(out.map((o) => o.kind === 'committed' && o.blockNumber)).toEqual([9n, 9n]);
  });

  it('after a crash sends a new batch when the shared transaction is final and not VALID', async () => {
    const sent = { txId: 'old', envelope: new Uint8Array([1]), sentAt: new Date() };
    const { ledger, run } = setup();
    ledger.status = { txId: 'old', found: true, validationCode: 'MVCC_READ_CONFLICT', blockNumber: 9n };
    const out = await run([accrual(1, 'p1', sent), accrual(2, 'p1', sent)]);
    expect(ledger.calls.map((c) => c.fn)).toEqual(['points:AccrueBatch']);
    expect(out.map((o) => o.kind === 'committed' && o.txId)).toEqual(['tx1', 'tx1']);
  });
});

describe('BatchCarrier: consecutive items of one ordering key', () => {
  const seqsOf = (c: { arg: Record<string, unknown> }): string[] =>
    (c.arg.attestations as { signature: string }[]).map((a) => a.signature);

  it("carries one device's consecutive attestations (and another's) in one SubmitAttestations call, in seq order", async () => {
    const { ledger, run } = setup({ order: new KeyOrder() });
    const items = [deviceItem('did:a', 1, 1), deviceItem('did:b', 7, 2), deviceItem('did:a', 2, 3)];
    items.push(deviceItem('did:a', 5, 4), deviceItem('did:b', 8, 5));
    const out = await run(items);
    expect(ledger.calls).toHaveLength(1);
    expect(seqsOf(ledger.calls[0] as never)).toEqual(['did:a/1', 'did:b/7', 'did:a/2', 'did:a/5', 'did:b/8']);
    expect(out.map((o) => o.kind)).toEqual(Array(5).fill('committed'));
  });

  it("a refused middle attestation is dead alone; the device's later ones go back unsent, earlier ones and other devices commit", async () => {
    const { ledger, run } = setup({ order: new KeyOrder() });
    ledger.nameIndex = false;
    ledger.refused.add('did:a/3');
    const items = [1, 2, 3, 4, 5].map((seq, i) => deviceItem('did:a', seq, i + 1));
    items.push(deviceItem('did:b', 1, 6), deviceItem('did:b', 2, 7));
    const out = await run(items);
    const state = Object.fromEntries(out.map((o) => [o.item.naturalKey, o.kind]));
    expect(state).toEqual({
      'did:a#1': 'committed',
      'did:a#2': 'committed',
      'did:a#3': 'dead',
      'did:a#4': 'retry',
      'did:a#5': 'retry',
      'did:b#1': 'committed',
      'did:b#2': 'committed',
    });
    const held = out.filter((o) => o.kind === 'retry');
    expect(held.every((o) => o.wait === true && /did not commit/.test(o.reason))).toBe(true);
    // Only calls refused as a whole (with seq 3 in them) ever held seq 4 or 5; every call keeps each device's order.
    const passed = ledger.calls.filter((c) => !seqsOf(c).includes('did:a/3')).flatMap(seqsOf);
    expect(passed.sort()).toEqual(['did:a/1', 'did:a/2', 'did:b/1', 'did:b/2']);
    for (const c of ledger.calls) {
      const a = seqsOf(c).filter((x) => x.startsWith('did:a/'));
      expect(a).toEqual([...a].sort());
    }
  });

  it("a transient failure of the first half holds the device's items of the second half back (never sent ahead)", async () => {
    const order = new KeyOrder();
    const { ledger, run } = setup({ order });
    ledger.nameIndex = false;
    ledger.refused.add('did:a/4');
    const items = [1, 2, 3, 4].map((seq, i) => deviceItem('did:a', seq, i + 1));
    // First call refused (seq 4 in it): halves. The first half then fails on the network.
    let n = 0;
    const submit = ledger.submit.bind(ledger);
    ledger.submit = async (fn, args, opts) => {
      n += 1;
      if (n === 2) throw new LedgerTimeoutError('endorse', 'peer away');
      return submit(fn, args, opts);
    };
    const out = await run(items);
    expect(out.map((o) => [o.item.naturalKey, o.kind])).toEqual([
      ['did:a#1', 'retry'],
      ['did:a#2', 'retry'],
      ['did:a#3', 'retry'],
      ['did:a#4', 'retry'],
    ]);
    // The refused batch, then the failed first half; the second half never went out.
    expect(n).toBe(2);
    expect(ledger.calls.map(seqsOf)).toEqual([['did:a/1', 'did:a/2', 'did:a/3', 'did:a/4']]);
  });

  it("splitRefused keeps a key's order around a named entry, and moves it first only when no earlier item shares its key", () => {
    const names = (parts: ClaimedItem[][]): string[][] => parts.map((p) => p.map((i) => i.naturalKey));
    const same = [deviceItem('did:a', 1, 1), deviceItem('did:a', 2, 2), deviceItem('did:a', 3, 3)];
    expect(names(splitRefused(same, 1))).toEqual([['did:a#1'], ['did:a#2'], ['did:a#3']]);
    const mixed = [deviceItem('did:b', 1, 1), deviceItem('did:a', 2, 2), deviceItem('did:c', 3, 3)];
    expect(names(splitRefused(mixed, 1))).toEqual([['did:a#2'], ['did:b#1', 'did:c#3']]);
    expect(names(splitRefused(same, undefined))).toEqual([['did:a#1', 'did:a#2'], ['did:a#3']]);
  });
});

describe('batch codecs', () => {
  it('AccrueBatch: one program per call, the index a rejection names, one result per item', () => {
    expect(ACCRUE_CODEC.groupKey(accrual(1, 'p9').args)).toBe('p9');
    expect(() => ACCRUE_CODEC.encode([accrual(1).args, accrual(2, 'p2').args])).toThrow(/different programs/);
    expect(ACCRUE_CODEC.blame('items[3].member: must be a DID', 5)).toBe(3);
    expect(ACCRUE_CODEC.blame('INPUT_INVALID: items[3].amount: too big', 5)).toBe(3);
    expect(ACCRUE_CODEC.blame('items[7].member: x', 5)).toBeUndefined();
    expect(ACCRUE_CODEC.blame('did:x:1 is not an active member', 5)).toBeUndefined();
    expect(() => ACCRUE_CODEC.split(Buffer.from('{"results":[{}]}'), 2)).toThrow(/1 entries, expected 2/);
  });

  it('SubmitAttestations: entries in order, exactly one per item', () => {
    const call = ATTESTATION_CODEC.encode([attestationItem(1).args, attestationItem(2).args]);
    const arg = JSON.parse(call.args[0] ?? '') as { attestations: { signature: string }[] };
    expect(arg.attestations.map((a) => a.signature)).toEqual(['sig1', 'sig2']);
    expect(() => ATTESTATION_CODEC.encode([['{"attestations":[]}']])).toThrow(/one entry/);
    expect(ATTESTATION_CODEC.split(Buffer.from('{"anchored":[1,2]}'), 2)).toEqual([1, 2]);
  });
});
