import type { ContractLike, NetworkLike, ProposalLike } from './gateway-types';
import { LedgerError } from './ledger.port';
import { isUnknownTxAnswer, lookupTransaction } from './qscc';

const TX = 'a'.repeat(64);

/** A network whose qscc GetTransactionByID fails with `err` (or answers `bytes`). */
function network(answer: Error | Uint8Array): NetworkLike {
  const proposal = {
    evaluate: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
  } as unknown as ProposalLike;
  const contract: ContractLike = { newProposal: () => proposal };
  return { getContract: () => contract } as unknown as NetworkLike;
}

function gatewayError(message: string, detail?: string): Error {
  return Object.assign(new Error(message), {
    code: 2,
    details: detail === undefined ? [] : [{ address: 'peer0:7051', mspId: 'MallAMSP', message: detail }],
  });
}

const FABRIC_UNKNOWN = `chaincode response 500, Failed to get transaction with id ${TX}, error no such transaction ID [${TX}] in index`;

describe('qscc lookupTransaction', () => {
  it("reads Fabric's own answer for an unknown tx ID (in the message or a peer detail) as not found", async () => {
    for (const err of [
      gatewayError(`evaluate call to endorser returned error: ${FABRIC_UNKNOWN}`),
      gatewayError('10 ABORTED: evaluate call to endorser returned error', FABRIC_UNKNOWN),
    ]) {
      await expect(lookupTransaction(network(err), 'mallchannel', TX)).resolves.toEqual({ txId: TX, found: false });
    }
  });

  it('throws a LedgerError (ask again) for infrastructure errors that merely say "not found"', async () => {
    const errors = [
      gatewayError('chaincode response 500, channel mallchannel not found'),
      gatewayError('10 ABORTED: evaluate failed', 'access denied: channel [mallchannel] does not exist'),
      gatewayError('14 UNAVAILABLE: connection refused'),
      gatewayError('chaincode qscc not found'),
      // The answer about another transaction is no answer about this one.
      gatewayError(`no such transaction ID [${'b'.repeat(64)}] in index`),
    ];
    for (const err of errors) {
      const thrown = await lookupTransaction(network(err), 'mallchannel', TX).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(LedgerError);
      expect((thrown as LedgerError).txId).toBe(TX);
    }
  });

  it('isUnknownTxAnswer matches only the exact index-miss text for that ID', () => {
    expect(isUnknownTxAnswer(new Error(`no such transaction ID [${TX}] in index`), TX)).toBe(true);
    expect(isUnknownTxAnswer(new Error('no such transaction ID'), TX)).toBe(false);
    expect(isUnknownTxAnswer(new Error('transaction not found'), TX)).toBe(false);
  });
});
