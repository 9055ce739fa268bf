import { common, peer } from '@hyperledger/fabric-protos';
import type { NetworkLike } from './gateway-types';
import type { TxStatus } from './ledger.port';
import { statusName } from './submit-policy';
import { messageOf } from './gateway-errors';

/** Query system chaincode: the peer's own view of its ledger, available on every channel member. */
const QSCC = 'qscc';

/** The peer's words when it has no transaction with that ID (Fabric 2.x and 3.x). */
const NOT_FOUND = /no such transaction ID|not found|does not exist/i;

/**
 * Look a transaction up by ID (`GetTransactionByID`), and its block (`GetBlockByTxID`) when found.
 * This is the answer to "did my timed-out transaction commit?": the gateway has no such call of its own.
 */
export async function lookupTransaction(network: NetworkLike, channel: string, txId: string): Promise<TxStatus> {
  const contract = network.getContract(QSCC);
  let processed: peer.ProcessedTransaction;
  try {
    const bytes = await contract.newProposal('GetTransactionByID', { arguments: [channel, txId] }).evaluate();
    processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  } catch (err) {
    if (
      NOT_FOUND.test(messageOf(err)) ||
      NOT_FOUND.test(JSON.stringify((err as { details?: unknown }).details ?? ''))
    ) {
      return { txId, found: false };
    }
    throw err;
  }
  const blockBytes = await contract.newProposal('GetBlockByTxID', { arguments: [channel, txId] }).evaluate();
  const header = common.Block.deserializeBinary(blockBytes).getHeader();
  return {
    txId,
    found: true,
    validationCode: statusName(processed.getValidationcode()),
    ...(header ? { blockNumber: BigInt(header.getNumber()) } : {}),
  };
}

/** Current block height of the channel on this peer (`GetChainInfo`). */
export async function chainHeight(network: NetworkLike, channel: string): Promise<bigint> {
  const bytes = await network
    .getContract(QSCC)
    .newProposal('GetChainInfo', { arguments: [channel] })
    .evaluate();
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}
