import { planRecovery, type RecordedTx } from './tx-recovery';

const now = new Date('2026-11-21T10:00:00Z');
const ctx = { canResend: true, now, graceMs: 60_000, retryMs: 2_000 };
const envelope = new Uint8Array([1, 2, 3]);
const sent = (over: Partial<RecordedTx> = {}): RecordedTx => ({
  txId: 'tx1',
  envelope,
  sentAt: new Date(now.getTime() - 5_000),
  ...over,
});

describe('planRecovery', () => {
  it('sends a new transaction when nothing was recorded', () => {
    expect(planRecovery({ txId: null, envelope: null, sentAt: null }, undefined, ctx)).toEqual({ action: 'submit' });
  });

  it('records the commit (sends nothing) when the recorded transaction is VALID on the ledger', () => {
    const status = { txId: 'tx1', found: true, validationCode: 'VALID', blockNumber: 42n };
    expect(planRecovery(sent(), status, ctx)).toEqual({ action: 'committed', txId: 'tx1', blockNumber: 42n });
    expect(planRecovery(sent({ envelope: null }), status, { ...ctx, canResend: false })).toEqual({
      action: 'committed',
      txId: 'tx1',
      blockNumber: 42n,
    });
  });

  it('waits when the transaction is VALID but its block is not known', () => {
    const step = planRecovery(sent(), { txId: 'tx1', found: true, validationCode: 'VALID' }, ctx);
    expect(step).toEqual({
      action: 'wait',
      reason: 'transaction tx1 is VALID but its block is not known yet',
      retryInMs: 1000,
    });
  });

  it('sends a new transaction when the recorded one was invalidated (it wrote nothing)', () => {
    for (const code of ['MVCC_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE']) {
      expect(planRecovery(sent(), { txId: 'tx1', found: true, validationCode: code, blockNumber: 9n }, ctx)).toEqual({
        action: 'submit',
      });
    }
  });

  it('waits, never sends a new transaction, when the recorded one is found as a DUPLICATE_TXID copy', () => {
    // An earlier copy of that tx ID was ordered: it may be VALID, a new transaction could land twice.
    for (const over of [{}, { envelope: null, sentAt: new Date(0) }]) {
      const step = planRecovery(sent(over), { txId: 'tx1', found: true, validationCode: 'DUPLICATE_TXID' }, ctx);
      expect(step).toMatchObject({ action: 'wait' });
    }
  });

  it('re-sends the same signed transaction when the ledger does not know it and the envelope is kept', () => {
    expect(planRecovery(sent(), { txId: 'tx1', found: false }, ctx)).toEqual({
      action: 'resend',
      txId: 'tx1',
      envelope,
    });
  });

  it('without an envelope (or a driver that cannot re-send) waits out the grace period, then sends a new one', () => {
    const unknown = { txId: 'tx1', found: false };
    expect(planRecovery(sent({ envelope: null }), unknown, ctx)).toEqual({
      action: 'wait',
      reason: 'transaction tx1 sent 5000 ms ago is not on the ledger yet',
      retryInMs: 2_000,
    });
    const nearlyLost = sent({ envelope: null, sentAt: new Date(now.getTime() - 59_500) });
    expect(planRecovery(nearlyLost, unknown, ctx)).toMatchObject({ action: 'wait', retryInMs: 500 });
    expect(planRecovery(sent(), unknown, { ...ctx, canResend: false })).toMatchObject({ action: 'wait' });
    const old = sent({ envelope: null, sentAt: new Date(now.getTime() - 61_000) });
    expect(planRecovery(old, unknown, ctx)).toEqual({ action: 'submit' });
    expect(planRecovery(sent({ envelope: null, sentAt: null }), unknown, ctx)).toEqual({ action: 'submit' });
  });
});
