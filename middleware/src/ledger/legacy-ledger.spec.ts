import { mapLegacyError } from './legacy-ledger';
import {
  ChaincodeRejectedError,
  LedgerError,
  LedgerTimeoutError,
  MvccConflictError,
  TransactionInvalidError,
} from './ledger.port';

const named = (name: string, message: string, extra: object = {}): Error =>
  Object.assign(new Error(message), { name }, extra);

describe('mapLegacyError', () => {
  it('reads the chaincode code out of the SDK endorsement error text', () => {
    const err = mapLegacyError(
      new Error(
        'No valid responses from any peers. Errors:\n    peer=peer0.mall-a.example.com, status=500, message=POINTS_INSUFFICIENT: balance 3 < 5\n    peer=peer0.mall-b.example.com, status=500, message=POINTS_INSUFFICIENT: balance 3 < 5',
      ),
      'tx1',
    );
    expect(err).toBeInstanceOf(ChaincodeRejectedError);
    expect(err).toMatchObject({ code: 'POINTS_INSUFFICIENT', reason: 'balance 3 < 5', txId: 'tx1' });
  });

  it('maps commit timeouts, MVCC conflicts and other invalidations', () => {
    expect(mapLegacyError(named('TimeoutError', 'timed out'), 'tx2')).toBeInstanceOf(LedgerTimeoutError);
    expect(
      mapLegacyError(named('TransactionError', 'x', { transactionCode: 'MVCC_READ_CONFLICT' }), 'tx3'),
    ).toBeInstanceOf(MvccConflictError);
    const invalid = mapLegacyError(named('TransactionError', 'x', { transactionCode: 'ENDORSEMENT_POLICY_FAILURE' }));
    expect(invalid).toBeInstanceOf(TransactionInvalidError);
    expect(invalid).toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' });
  });

  it('keeps anything else as a plain LedgerError with the original message', () => {
    const err = mapLegacyError(new Error('connect ECONNREFUSED 127.0.0.1:7101'));
    expect(err).not.toBeInstanceOf(ChaincodeRejectedError);
    expect(err).toBeInstanceOf(LedgerError);
    expect(err.message).toBe('connect ECONNREFUSED 127.0.0.1:7101');
  });
});
