import { status as GrpcStatus } from '@grpc/grpc-js';
import { classify } from './gateway-errors';
import { chaincodeFailure, grpcError } from './testing/fake-gateway';

const detail = (
  message: string,
  address = 'peer0.mall-a.example.com:7051',
): { address: string; mspId: string; message: string } => ({
  address,
  mspId: 'MallAMSP',
  message,
});

describe('classify', () => {
  it('a coded chaincode message all endorsers agree on is a terminal rejection', () => {
    expect(classify(chaincodeFailure('POINTS_INSUFFICIENT: balance 3 < 5'))).toBe('rejected');
    const both = grpcError('EndorseError', GrpcStatus.ABORTED, 'failed to endorse transaction', [
      detail('chaincode response 500, NOTE_EXISTS: n1'),
      detail('chaincode response 500, NOTE_EXISTS: n1', 'peer0.mall-b.example.com:7051'),
    ]);
    expect(classify(both)).toBe('rejected');
  });

  it('is never terminal when the call itself failed for want of a peer or of time', () => {
    const cases: [number, string][] = [
      [GrpcStatus.UNAVAILABLE, 'unavailable'],
      [GrpcStatus.DEADLINE_EXCEEDED, 'timeout'],
      [GrpcStatus.RESOURCE_EXHAUSTED, 'unavailable'],
    ];
    for (const [code, kind] of cases) {
      const err = grpcError('EndorseError', code, 'failed to endorse transaction', [
        detail('chaincode response 500, NOTE_EXISTS: n1'),
        detail('connection refused', 'peer0.mall-b.example.com:7051'),
      ]);
      expect(classify(err)).toBe(kind);
    }
  });

  it('endorsers that disagree are no verdict: retried', () => {
    const err = grpcError('EndorseError', GrpcStatus.ABORTED, 'failed to endorse transaction', [
      detail('chaincode response 500, NOTE_EXISTS: n1'),
      detail('chaincode response 500, INPUT_INVALID: id', 'peer0.mall-b.example.com:7051'),
    ]);
    expect(classify(err)).toBe('unavailable');
  });

  it('an uncoded chaincode error (shim GET_STATE failed) is infrastructure: retried, never terminal', () => {
    expect(classify(chaincodeFailure('GET_STATE failed: transaction ID: tx1: ledger closed'))).toBe('unavailable');
    const evaluate = grpcError(
      'GatewayError',
      GrpcStatus.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, container exited',
    );
    expect(classify(evaluate)).toBe('unavailable');
  });

  it('keeps the other kinds', () => {
    expect(classify(grpcError('EndorseError', GrpcStatus.DEADLINE_EXCEEDED, 'deadline'))).toBe('timeout');
    expect(classify(grpcError('SubmitError', GrpcStatus.ABORTED, 'SERVICE_UNAVAILABLE'))).toBe('unavailable');
    expect(classify(grpcError('EndorseError', GrpcStatus.FAILED_PRECONDITION, 'no combination of peers'))).toBe(
      'fatal',
    );
  });
});
