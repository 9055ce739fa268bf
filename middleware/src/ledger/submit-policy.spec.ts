import { status as GrpcStatus } from '@grpc/grpc-js';
import { EndpointPool } from './endpoint-pool';
import {
  ChaincodeRejectedError,
  EndorsementError,
  LedgerTimeoutError,
  MvccConflictError,
  TransactionInvalidError,
  type TxStatus,
} from './ledger.port';
import { SubmitPolicy } from './submit-policy';
import { chaincodeFailure, FakeLedgerState, FakePeer, grpcError } from './testing/fake-gateway';

const MVCC = 11;
const ENDORSEMENT_POLICY_FAILURE = 10;

function setup(
  peers = 1,
  lookup?: (txId: string) => Promise<TxStatus>,
): { state: FakeLedgerState; peers: FakePeer[]; policy: SubmitPolicy } {
  const state = new FakeLedgerState();
  const list = Array.from({ length: peers }, (_, i) => new FakePeer(`peer${i}`, state));
  const policy = new SubmitPolicy({
    pool: new EndpointPool(list),
    channel: 'mallchannel',
    chaincode: 'mallchain',
    retry: { maxAttempts: 3, sameTxAttempts: 3, backoffMs: 1, maxBackoffMs: 2 },
    lookup: lookup ?? ((txId) => Promise.resolve({ txId, found: state.committed.has(txId) })),
  });
  return { state, peers: list, policy };
}

const timeout = (name: 'EndorseError' | 'SubmitError' | 'CommitStatusError'): Error =>
  grpcError(name, GrpcStatus.DEADLINE_EXCEEDED, 'context deadline exceeded');
const unavailable = (name: 'EndorseError' | 'SubmitError' | 'CommitStatusError'): Error =>
  grpcError(name, GrpcStatus.UNAVAILABLE, 'connection refused');

describe('SubmitPolicy', () => {
  it('commits a transaction and returns its ID, block and result', async () => {
    const { policy, state } = setup();
    const r = await policy.submit('info:PutNote', ['{"id":"n1","text":"hi"}']);
    expect(r.txId).toBe('tx1');
    expect(r.blockNumber).toBe(11n);
    expect(new TextDecoder().decode(r.result)).toBe('result of info:PutNote');
    expect(state.calls.map((c) => c.stage)).toEqual(['endorse', 'submit', 'commitStatus']);
    expect(state.calls[0]?.args).toEqual(['{"id":"n1","text":"hi"}']);
  });

  it('after an endorse timeout re-sends the SAME proposal (same tx ID)', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.endorse.push(timeout('EndorseError'));
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx1');
    expect(state.calls.filter((c) => c.stage === 'endorse').map((c) => c.txId)).toEqual(['tx1', 'tx1']);
    expect(state.committed.size).toBe(1);
  });

  it('after a submit timeout re-sends the SAME transaction envelope, which commits once', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.submit.push(timeout('SubmitError'));
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx1');
    expect(state.calls.filter((c) => c.stage === 'submit').map((c) => c.txId)).toEqual(['tx1', 'tx1']);
    expect([...state.committed.keys()]).toEqual(['tx1']);
  });

  it('after a commit-status timeout asks for the status of the same tx ID again (no new transaction)', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.status.push(timeout('CommitStatusError'), timeout('CommitStatusError'));
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx1');
    const stages = state.calls.map((c) => `${c.stage}:${c.txId}`);
    // The lookup found nothing (not yet committed), so the same envelope was submitted again before asking again.
    expect(stages).toEqual([
      'endorse:tx1',
      'submit:tx1',
      'commitStatus:tx1',
      'submit:tx1',
      'commitStatus:tx1',
      'submit:tx1',
      'commitStatus:tx1',
    ]);
    expect(state.nextTx).toBe(2);
  });

  it('does not re-submit after a commit-status timeout when the lookup says the tx is already on the ledger', async () => {
    const { policy, peers, state } = setup(1, (txId) =>
      Promise.resolve({ txId, found: true, validationCode: 'VALID' }),
    );
    peers[0]!.status.push(timeout('CommitStatusError'));
    await policy.submit('info:PutNote', ['x']);
    expect(state.calls.filter((c) => c.stage === 'submit')).toHaveLength(1);
    expect(state.calls.filter((c) => c.stage === 'commitStatus')).toHaveLength(2);
  });

  it('gives up with LedgerTimeoutError carrying the tx ID when every attempt times out', async () => {
    const { policy, peers } = setup();
    peers[0]!.submit.push(timeout('SubmitError'), timeout('SubmitError'), timeout('SubmitError'));
    const err = await policy.submit('info:PutNote', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerTimeoutError);
    expect(err).toMatchObject({ stage: 'submit', txId: 'tx1' });
  });

  it('after MVCC_READ_CONFLICT builds a NEW transaction (new tx ID) and succeeds', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.status.push(MVCC);
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx2');
    expect(state.committed.get('tx1')).toBe(MVCC);
    expect(state.committed.get('tx2')).toBe(0);
    expect(state.calls.filter((c) => c.stage === 'endorse').map((c) => c.txId)).toEqual(['tx1', 'tx2']);
  });

  it('raises MvccConflictError after maxAttempts conflicts, and honours a per-call maxAttempts', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.status.push(MVCC, MVCC, MVCC);
    await expect(policy.submit('info:PutNote', ['x'])).rejects.toBeInstanceOf(MvccConflictError);
    expect(state.committed.size).toBe(3);
    peers[0]!.status.push(MVCC);
    await expect(policy.submit('info:PutNote', ['x'], { maxAttempts: 1 })).rejects.toMatchObject({
      name: 'MvccConflictError',
      txId: 'tx4',
    });
  });

  it('never retries a chaincode rejection and maps its code prefix', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.endorse.push(chaincodeFailure('POINTS_INSUFFICIENT: balance 3 < 5'));
    const err = await policy.submit('points:Redeem', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChaincodeRejectedError);
    expect(err).toMatchObject({ code: 'POINTS_INSUFFICIENT', reason: 'balance 3 < 5', txId: 'tx1' });
    expect((err as ChaincodeRejectedError).details[0]?.mspId).toBe('MallAMSP');
    expect(state.calls).toHaveLength(1);
    expect(state.committed.size).toBe(0);
  });

  it('retries (never rejects) an uncoded chaincode error or one seen under UNAVAILABLE, and ends not terminal', async () => {
    const { policy, peers } = setup();
    peers[0]!.endorse.push(chaincodeFailure('GET_STATE failed: ledger closed'));
    peers[0]!.endorse.push(
      grpcError('EndorseError', GrpcStatus.UNAVAILABLE, 'failed to endorse transaction', [
        { address: 'peer0', mspId: 'MallAMSP', message: 'chaincode response 500, NOTE_EXISTS: n1' },
      ]),
    );
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx1');

    const stuck = setup();
    for (let i = 0; i < 3; i++) stuck.peers[0]!.endorse.push(chaincodeFailure('GET_STATE failed: ledger closed'));
    const err = await stuck.policy.submit('info:PutNote', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndorsementError);
    expect(err).not.toBeInstanceOf(ChaincodeRejectedError);
  });

  it('maps a non-chaincode endorsement failure to EndorsementError without retry', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.endorse.push(
      grpcError('EndorseError', GrpcStatus.FAILED_PRECONDITION, 'no combination of peers can be derived'),
    );
    await expect(policy.submit('info:PutNote', ['x'])).rejects.toBeInstanceOf(EndorsementError);
    expect(state.calls).toHaveLength(1);
  });

  it('reports other invalidation codes as TransactionInvalidError without retry', async () => {
    const { policy, peers, state } = setup();
    peers[0]!.status.push(ENDORSEMENT_POLICY_FAILURE);
    const err = await policy.submit('info:PutNote', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionInvalidError);
    expect(err).toMatchObject({
      validationCode: 'ENDORSEMENT_POLICY_FAILURE',
    });
    expect(state.nextTx).toBe(2);
  });

  it('fails over to the second peer of the org when the first is unreachable, keeping the tx ID', async () => {
    const { policy, peers, state } = setup(2);
    peers[0]!.endorse.push(unavailable('EndorseError'));
    const r = await policy.submit('info:PutNote', ['x']);
    expect(r.txId).toBe('tx1');
    expect(state.calls.map((c) => `${c.endpoint}:${c.stage}:${c.txId}`)).toEqual([
      'peer0:endorse:tx1',
      'peer1:endorse:tx1',
      'peer1:submit:tx1',
      'peer1:commitStatus:tx1',
    ]);
    // Later calls stay on the peer that works.
    await policy.submit('info:PutNote', ['y']);
    expect(state.calls.at(-1)?.endpoint).toBe('peer1');
  });

  it('fails over between submit and commit status as well', async () => {
    const { policy, peers, state } = setup(2);
    peers[0]!.status.push(unavailable('CommitStatusError'));
    await policy.submit('info:PutNote', ['x']);
    expect(state.calls.map((c) => `${c.endpoint}:${c.stage}`)).toEqual([
      'peer0:endorse',
      'peer0:submit',
      'peer0:commitStatus',
      'peer1:submit',
      'peer1:commitStatus',
    ]);
    expect([...state.committed.keys()]).toEqual(['tx1']);
  });

  it('reports EndorsementError naming the cause when no peer is reachable', async () => {
    const { policy, peers } = setup(2);
    for (const p of peers) p.endorse.push(unavailable('EndorseError'), unavailable('EndorseError'));
    await expect(policy.submit('info:PutNote', ['x'])).rejects.toThrow(
      /endorse of tx1: no peer reachable .*connection refused/,
    );
  });
});
