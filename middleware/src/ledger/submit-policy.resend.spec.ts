import { EndpointPool } from './endpoint-pool';
import {
  MvccConflictError,
  TransactionInvalidError,
  TransactionPendingError,
  type SignedTransaction,
  type TxStatus,
} from './ledger.port';
import { SubmitPolicy } from './submit-policy';
import { chaincodeFailure, FakeLedgerState, FakePeer } from './testing/fake-gateway';

const MVCC = 11;
const DUPLICATE_TXID = 9;

function setup(lookup?: (txId: string) => Promise<TxStatus>): {
  state: FakeLedgerState;
  peer: FakePeer;
  policy: SubmitPolicy;
} {
  const state = new FakeLedgerState();
  const peer = new FakePeer('peer0', state);
  const policy = new SubmitPolicy({
    pool: new EndpointPool([peer]),
    channel: 'mallchannel',
    chaincode: 'mallchain',
    retry: { maxAttempts: 3, sameTxAttempts: 3, backoffMs: 1, maxBackoffMs: 2 },
    lookup: lookup ?? ((txId) => Promise.resolve({ txId, found: state.committed.has(txId) })),
  });
  return { state, peer, policy };
}

describe('SubmitPolicy beforeSend hook', () => {
  it('hands out the tx ID and envelope after endorsement and before the transaction is sent', async () => {
    const { policy, state } = setup();
    const seen: { tx: SignedTransaction; callsBefore: string[] }[] = [];
    const r = await policy.submit('info:PutNote', ['x'], {
      beforeSend: (tx) => {
        seen.push({ tx, callsBefore: state.calls.map((c) => c.stage) });
        return Promise.resolve();
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.tx.txId).toBe(r.txId);
    expect(seen[0]?.callsBefore).toEqual(['endorse']);
    expect(JSON.parse(new TextDecoder().decode(seen[0]?.tx.envelope))).toEqual({ txId: r.txId, fn: 'info:PutNote' });
  });

  it('is called again for the new transaction after an MVCC conflict', async () => {
    const { policy, peer } = setup();
    peer.status.push(MVCC);
    const ids: string[] = [];
    const r = await policy.submit('info:PutNote', ['x'], {
      beforeSend: (tx) => {
        ids.push(tx.txId);
        return Promise.resolve();
      },
    });
    expect(ids).toEqual(['tx1', 'tx2']);
    expect(r.txId).toBe('tx2');
  });

  it('sends nothing when the hook fails (the ID could not be recorded)', async () => {
    const { policy, state } = setup();
    const err = await policy
      .submit('info:PutNote', ['x'], { beforeSend: () => Promise.reject(new Error('database down')) })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('database down');
    expect(state.calls.map((c) => c.stage)).toEqual(['endorse']);
    expect(state.committed.size).toBe(0);
  });

  it('is not called when the chaincode rejects at endorsement', async () => {
    const { policy, peer } = setup();
    peer.endorse.push(chaincodeFailure('INPUT_INVALID: id: must not be empty'));
    const hook = jest.fn(() => Promise.resolve());
    await expect(policy.submit('info:PutNote', ['x'], { beforeSend: hook })).rejects.toThrow(/INPUT_INVALID/);
    expect(hook).not.toHaveBeenCalled();
  });
});

describe('SubmitPolicy.resubmit', () => {
  const envelopeOf = async (policy: SubmitPolicy): Promise<Uint8Array> => {
    let envelope: Uint8Array | undefined;
    await policy
      .submit('info:PutNote', ['x'], {
        beforeSend: (tx) => {
          envelope = tx.envelope;
          return Promise.reject(new Error('killed before sending'));
        },
      })
      .catch(() => undefined);
    if (envelope === undefined) throw new Error('no envelope');
    return envelope;
  };

  it('sends a kept envelope (never sent) with its original tx ID, which commits once', async () => {
    const { policy, state } = setup();
    const r = await policy.resubmit(await envelopeOf(policy));
    expect(r.txId).toBe('tx1');
    expect(r.blockNumber).toBe(11n);
    expect(state.calls.map((c) => `${c.stage}:${c.txId}`)).toEqual(['endorse:tx1', 'submit:tx1', 'commitStatus:tx1']);
    expect([...state.committed.keys()]).toEqual(['tx1']);
  });

  it('answers with the first commit when the envelope had already been ordered (DUPLICATE_TXID)', async () => {
    const { policy, peer } = setup((txId) =>
      Promise.resolve({ txId, found: true, validationCode: 'VALID', blockNumber: 7n }),
    );
    const envelope = await envelopeOf(policy);
    peer.status.push(DUPLICATE_TXID);
    const r = await policy.resubmit(envelope);
    expect(r).toMatchObject({ txId: 'tx1', blockNumber: 7n });
  });

  it('reports an MVCC conflict or another invalidation so that the caller makes a new transaction', async () => {
    const first = setup();
    const envelope = await envelopeOf(first.policy);
    first.peer.status.push(MVCC);
    await expect(first.policy.resubmit(envelope)).rejects.toBeInstanceOf(MvccConflictError);

    const second = setup((txId) =>
      Promise.resolve({ txId, found: true, validationCode: 'ENDORSEMENT_POLICY_FAILURE' }),
    );
    const other = await envelopeOf(second.policy);
    second.peer.status.push(DUPLICATE_TXID);
    const err = await second.policy.resubmit(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionInvalidError);
    expect((err as TransactionInvalidError).validationCode).toBe('ENDORSEMENT_POLICY_FAILURE');
  });

  it('never reports a DUPLICATE_TXID whose first copy is not found (lag, failover) as an invalidation', async () => {
    const answers: (TxStatus | Error)[] = [
      { txId: 'tx1', found: false },
      { txId: 'tx1', found: true, validationCode: 'DUPLICATE_TXID', blockNumber: 8n },
      { txId: 'tx1', found: true, validationCode: 'VALID' },
      new Error('14 UNAVAILABLE: peer re-joining'),
    ];
    for (const answer of answers) {
      const { policy, peer } = setup(() =>
        answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer),
      );
      const envelope = await envelopeOf(policy);
      peer.status.push(DUPLICATE_TXID);
      const err = await policy.resubmit(envelope).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransactionPendingError);
      expect(err).not.toBeInstanceOf(TransactionInvalidError);
    }
  });
});

describe('SubmitPolicy.submit answered DUPLICATE_TXID', () => {
  it('settles from the first copy: VALID is success, not found is pending (never a new transaction)', async () => {
    const found = setup((txId) => Promise.resolve({ txId, found: true, validationCode: 'VALID', blockNumber: 5n }));
    found.peer.status.push(DUPLICATE_TXID);
    await expect(found.policy.submit('info:PutNote', ['x'])).resolves.toMatchObject({ txId: 'tx1', blockNumber: 5n });

    const lagging = setup((txId) => Promise.resolve({ txId, found: false }));
    lagging.peer.status.push(DUPLICATE_TXID);
    await expect(lagging.policy.submit('info:PutNote', ['x'])).rejects.toBeInstanceOf(TransactionPendingError);
    expect(lagging.state.calls.filter((c) => c.stage === 'endorse')).toHaveLength(1);
  });
});
