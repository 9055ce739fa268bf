import { common, peer } from '@hyperledger/fabric-protos';
import type { NetworkLike } from './gateway-types';
import { LedgerError, type TxStatus } from './ledger.port';
import { statusName } from './submit-policy';
import { errorDetails, messageOf } from './gateway-errors';

/** Query system chaincode: the peer's own view of its ledger, available on every channel member. */
const QSCC = 'qscc';

/**
 * Whether a failed `GetTransactionByID` is the peer's own answer that it has no transaction with this very ID.
 * Fabric 2.x/3.x qscc answers `Failed to get transaction with id <id>, error no such transaction ID [<id>] in index`
 * (the block store's index miss). Nothing else counts: "channel … not found" (a peer re-joining), an unreachable
 * peer or a timeout say nothing about the transaction, and reading them as "unknown" would send it anew.
 */
export function isUnknownTxAnswer(err: unknown, txId: string): boolean {
  const answer = `no such transaction ID [${txId}] in index`;
  return messageOf(err).includes(answer) || errorDetails(err).some((d) => d.message.includes(answer));
}

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
    if (isUnknownTxAnswer(err, txId)) return { txId, found: false };
    // Not an answer about the transaction: the caller must ask again, never conclude it is unknown.
    throw new LedgerError(`qscc GetTransactionByID ${txId}: ${messageOf(err)}`, {
      cause: err,
      details: errorDetails(err),
      txId,
    });
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
