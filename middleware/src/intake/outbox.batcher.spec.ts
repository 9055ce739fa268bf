import { AppConfig, BatcherConfig } from '../config/app-config';
import { LedgerFunctions } from '../ledger/ledger-functions';
import {
  ChaincodeRejectedError,
  LedgerTimeoutError,
  MvccConflictError,
  TransactionInvalidError,
  TransactionPendingError,
  type LedgerPort,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { BatchCarrier } from './batch-carrier';
import { OutboxBatcher } from './outbox.batcher';
import type { ClaimedItem, OutboxStore, Outcome, SentTx } from './outbox.store';
import type { RecordedTx } from './tx-recovery';

const NOTHING_SENT: RecordedTx = { txId: null, envelope: null, sentAt: null };

function item(sent: RecordedTx = NOTHING_SENT): ClaimedItem {
  return {
    outboxId: '1',
    trackingId: '00000000-0000-4000-8000-000000000001',
    token: '00000000-0000-4000-8000-0000000000aa',
    kind: 'note',
    naturalKey: 'n1',
    fn: 'info:PutNote',
    args: ['{"id":"n1","text":"x"}'],
    attempts: 0,
    createdAt: new Date(),
    orderingKey: null,
    sent,
  };
}

/** A ledger whose every call is logged in order, with scripted answers. */
class ScriptedLedger implements LedgerPort {
  readonly log: string[] = [];
  status: TxStatus | Error = { txId: 'old', found: false };
  submitError: Error | undefined;
  resubmitError: Error | undefined;

  async submit(_fn: string, _args: readonly string[], opts?: SubmitOptions): Promise<SubmitResult> {
    this.log.push('endorse:new');
    await opts?.beforeSend?.({ txId: 'new', envelope: new Uint8Array([9]) });
    if (this.submitError) throw this.submitError;
    this.log.push('send:new');
    return { txId: 'new', blockNumber: 20n, result: new Uint8Array() };
  }

  resubmit(envelope: Uint8Array): Promise<SubmitResult> {
    this.log.push(`resend:${envelope.join(',')}`);
    if (this.resubmitError) return Promise.reject(this.resubmitError);
    return Promise.resolve({ txId: 'old', blockNumber: 15n, result: new Uint8Array() });
  }

  txStatus(txId: string): Promise<TxStatus> {
    this.log.push(`status:${txId}`);
    return this.status instanceof Error ? Promise.reject(this.status) : Promise.resolve(this.status);
  }

  evaluate(): Promise<Uint8Array> {
    return Promise.reject(new Error('not used'));
  }
  chaincodeEvents(): Promise<void> {
    return Promise.reject(new Error('not used'));
  }
  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): void {
    this.log.push('close');
  }
}

type Of<K extends Outcome['kind']> = Extract<Outcome, { kind: K }>;

interface Settled {
  committed: Of<'committed'>[];
  failed: Of<'dead'>[];
  retries: Of<'retry'>[];
}

function setup(
  claimed: ClaimedItem,
  ledger: ScriptedLedger,
  recordOk = true,
  register: (f: LedgerFunctions) => void = () => undefined,
): { run: () => Promise<Settled>; recorded: SentTx[] } {
  const recorded: SentTx[] = [];
  const settled: Settled = { committed: [], failed: [], retries: [] };
  const store = {
    claim: () => Promise.resolve({ items: [claimed], waitMs: 0 }),
    recordSent: (list: readonly SentTx[]) => {
      recorded.push(...list);
      ledger.log.push(`record:${list.map((t) => t.txId).join(',')}`);
      return Promise.resolve(list.map(() => recordOk));
    },
    settle: (list: readonly Outcome[]) => {
      for (const o of list) {
        if (o.kind === 'committed') settled.committed.push(o);
        else if (o.kind === 'dead') settled.failed.push(o);
        else settled.retries.push(o);
      }
      return Promise.resolve(list.map(() => true));
    },
    renew: (ids: readonly string[]) => Promise.resolve(new Set(ids)),
  } as unknown as OutboxStore;
  const config = Object.assign(new BatcherConfig(), {
    size: 1,
    waitMs: 1,
    backoffMs: 7,
    maxBackoffMs: 5_000,
    leaseMs: 60_000,
  });
  const appConfig = Object.assign(new AppConfig(), { batcher: config, ledger: { driver: 'gateway' } });
  const metrics = new MetricsService();
  const functions = new LedgerFunctions();
  register(functions);
  const carrier = new BatchCarrier(store, ledger, appConfig, metrics, functions);
  const batcher = new OutboxBatcher(store, ledger, appConfig, metrics, functions, carrier);
  return {
    recorded,
    run: async () => {
      await batcher.tick();
      return settled;
    },
  };
}

const sentBefore = (over: Partial<RecordedTx> = {}): RecordedTx => ({
  txId: 'old',
  envelope: new Uint8Array([1, 2]),
  sentAt: new Date(Date.now() - 1000),
  ...over,
});

describe('OutboxBatcher', () => {
  it('records the new transaction ID (and envelope) in Postgres before sending it, then settles it committed', async () => {
    const ledger = new ScriptedLedger();
    const { run, recorded } = setup(item(), ledger);
    const s = await run();
    expect(ledger.log).toEqual(['endorse:new', 'record:new', 'send:new']);
    expect(recorded).toEqual([
      { trackingId: item().trackingId, token: item().token, txId: 'new', envelope: new Uint8Array([9]) },
    ]);
    expect(s.committed.map((c) => [c.txId, c.blockNumber])).toEqual([['new', 20n]]);
  });

  it('sends nothing when the ID could not be recorded (item no longer pending), and retries later', async () => {
    const ledger = new ScriptedLedger();
    const s = await setup(item(), ledger, false).run();
    expect(ledger.log).toEqual(['endorse:new', 'record:new']);
    expect(s.committed).toEqual([]);
    expect(s.retries[0]?.reason).toMatch(/no longer held by this batcher; transaction new not sent/);
  });

  it('an item sent before and committed VALID is settled from the ledger, nothing is sent', async () => {
    const ledger = new ScriptedLedger();
    ledger.status = { txId: 'old', found: true, validationCode: 'VALID', blockNumber: 12n };
    const s = await setup(item(sentBefore()), ledger).run();
    expect(ledger.log).toEqual(['status:old']);
    expect(s.committed.map((c) => [c.txId, c.blockNumber])).toEqual([['old', 12n]]);
  });

  it('an item sent before but unknown to the ledger is sent again as the SAME signed transaction', async () => {
    const ledger = new ScriptedLedger();
    const s = await setup(item(sentBefore()), ledger).run();
    expect(ledger.log).toEqual(['status:old', 'resend:1,2']);
    expect(s.committed.map((c) => [c.txId, c.blockNumber])).toEqual([['old', 15n]]);
  });

  it('makes a new transaction when the re-sent one is invalidated (MVCC conflict)', async () => {
    const ledger = new ScriptedLedger();
    ledger.resubmitError = new MvccConflictError('MVCC_READ_CONFLICT on old');
    const s = await setup(item(sentBefore()), ledger).run();
    expect(ledger.log).toEqual(['status:old', 'resend:1,2', 'endorse:new', 'record:new', 'send:new']);
    expect(s.committed.map((c) => c.txId)).toEqual(['new']);
  });

  it('keeps the item pending (no new transaction) when the re-sent one is a DUPLICATE_TXID not found yet', async () => {
    for (const error of [
      new TransactionPendingError('old was ordered before (DUPLICATE_TXID); its first copy is not found'),
      new TransactionInvalidError('DUPLICATE_TXID', 'transaction old invalidated: DUPLICATE_TXID'),
    ]) {
      const ledger = new ScriptedLedger();
      ledger.resubmitError = error;
      const s = await setup(item(sentBefore()), ledger).run();
      expect(ledger.log).toEqual(['status:old', 'resend:1,2']);
      expect(s.committed).toEqual([]);
      expect(s.retries).toHaveLength(1);
      expect(s.retries[0]).toMatchObject({ wait: true });
    }
  });

  it('makes a new transaction when the recorded one is on the ledger as invalid', async () => {
    const ledger = new ScriptedLedger();
    ledger.status = { txId: 'old', found: true, validationCode: 'MVCC_READ_CONFLICT', blockNumber: 11n };
    const s = await setup(item(sentBefore()), ledger).run();
    expect(ledger.log).toEqual(['status:old', 'endorse:new', 'record:new', 'send:new']);
    expect(s.committed.map((c) => c.txId)).toEqual(['new']);
  });

  it('waits (sends nothing) for a recently sent transaction without envelope that the ledger does not know yet', async () => {
    const ledger = new ScriptedLedger();
    const s = await setup(item(sentBefore({ envelope: null })), ledger).run();
    expect(ledger.log).toEqual(['status:old']);
    expect(s.retries.map((r) => [r.delayMs, r.wait])).toEqual([[5_000, true]]);
    expect(s.retries[0]?.reason).toMatch(/^transaction old sent \d+ ms ago is not on the ledger yet$/);
  });

  it('sends nothing when the ledger cannot be asked about the recorded transaction, and retries', async () => {
    const ledger = new ScriptedLedger();
    ledger.status = new Error('14 UNAVAILABLE: connection refused');
    const s = await setup(item(sentBefore()), ledger).run();
    expect(ledger.log).toEqual(['status:old']);
    expect(s.retries[0]?.reason).toBe('Error: 14 UNAVAILABLE: connection refused');
  });

  it('moves a chaincode rejection to the dead letter with its code', async () => {
    const ledger = new ScriptedLedger();
    ledger.submitError = new ChaincodeRejectedError('INPUT_INVALID', 'id: must not be empty');
    const s = await setup(item(), ledger).run();
    expect(s.failed.map((f) => [f.code, f.reason])).toEqual([['INPUT_INVALID', 'id: must not be empty']]);
  });

  it('marks a rejection its function declares final (releasesOn) as releasing the ordering key; other codes do not', async () => {
    const releasing = (f: LedgerFunctions): void => {
      f.register('info:PutNote', { idempotent: true, releasesOn: ['DEVICE_KEY'] });
    };
    const ledger = new ScriptedLedger();
    ledger.submitError = new ChaincodeRejectedError('DEVICE_KEY', 'key-1 was not valid');
    const s = await setup(item(), ledger, true, releasing).run();
    expect(s.failed.map((f) => [f.code, f.release])).toEqual([['DEVICE_KEY', true]]);
    ledger.submitError = new ChaincodeRejectedError('DEVICE_SEQ', 'seq 1 is not above 1');
    const other = await setup(item(), ledger, true, releasing).run();
    expect(other.failed.map((f) => [f.code, f.release])).toEqual([['DEVICE_SEQ', undefined]]);
  });

  it('looks up the recorded transaction before a rejection is made terminal: found VALID, the item is committed', async () => {
    const ledger = new ScriptedLedger();
    // Recorded, unknown to the ledger, no envelope and sent long ago: a new transaction is endorsed and refused.
    ledger.status = { txId: 'old', found: false };
    ledger.submitError = new ChaincodeRejectedError('NOTE_EXISTS', 'already written');
    const old = item(sentBefore({ envelope: null, sentAt: new Date(Date.now() - 3_600_000) }));
    const { run } = setup(old, ledger);
    const lookups: string[] = [];
    const original = ledger.txStatus.bind(ledger);
    ledger.txStatus = (txId: string) => {
      lookups.push(txId);
      // By the time of the decision the old transaction shows up committed.
      if (lookups.length > 1) ledger.status = { txId, found: true, validationCode: 'VALID', blockNumber: 7n };
      return original(txId);
    };
    const s = await run();
    expect(s.failed).toEqual([]);
    expect(s.committed.map((c) => [c.txId, c.blockNumber])).toEqual([['old', 7n]]);
    // Once by the recovery plan, once before the terminal decision (which finds it committed).
    expect(lookups).toEqual(['old', 'old']);
  });

  it('a rejection whose recorded transaction cannot be looked up is retried, not dead', async () => {
    const ledger = new ScriptedLedger();
    ledger.submitError = new ChaincodeRejectedError('NOTE_EXISTS', 'already written');
    const { run } = setup(item(sentBefore({ envelope: null, sentAt: new Date(0) })), ledger);
    let calls = 0;
    ledger.txStatus = (txId: string) =>
      ++calls === 1 ? Promise.resolve({ txId, found: false }) : Promise.reject(new Error('14 UNAVAILABLE'));
    const s = await run();
    expect(s.failed).toEqual([]);
    expect(s.retries[0]?.reason).toMatch(/rejected \(NOTE_EXISTS\) but transaction old could not be looked up/);
  });

  it('never makes an infrastructure failure terminal, whatever the attempt count; the delay stays capped', async () => {
    const ledger = new ScriptedLedger();
    ledger.submitError = new LedgerTimeoutError('endorse', 'peer unreachable');
    const s = await setup({ ...item(), attempts: 10_000 }, ledger).run();
    expect(s.failed).toEqual([]);
    expect(s.retries.map((r) => [r.delayMs, r.reason])).toEqual([[5_000, 'LedgerTimeoutError: peer unreachable']]);
  });
});
