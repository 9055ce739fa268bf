import * as grpc from '@grpc/grpc-js';
import { connect, hash } from '@hyperledger/fabric-gateway';
import { readFileSync } from 'node:fs';
import { NetworkContext } from './context';
import { retry } from './exec';
import { mspIdentity } from './msp-identity';
import { MallOrg } from './topology';

/**
 * Waits until a Gateway client of `m` can get a transaction endorsed and committed. Discovery
 * learns the other malls' peers through gossip a few seconds after a start, and until then the
 * gateway cannot satisfy a policy that needs every mall; the peer CLI (which names the peers
 * itself) does not see that delay, so readiness is checked the way applications submit.
 */
export async function waitGatewayReady(
  { paths, channel }: Pick<NetworkContext, 'paths' | 'channel'>,
  m: MallOrg,
  chaincode: string,
  timeoutMs: number,
): Promise<void> {
  const admin = mspIdentity(m.mspId, paths.userMsp(m, 'Admin'));
  const client = new grpc.Client(
    `127.0.0.1:${m.peer.port}`,
    grpc.credentials.createSsl(readFileSync(paths.peerTlsCa(m))),
    {
      'grpc.ssl_target_name_override': m.peer.host,
    },
  );
  const gateway = connect({
    client,
    identity: admin.identity,
    signer: admin.signer,
    hash: hash.sha256,
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
  try {
    const contract = gateway.getNetwork(channel).getContract(chaincode, 'info');
    const note = JSON.stringify({ id: `readiness-${m.mspId}`, text: 'gateway endorsement by every mall' });
    await retry(
      async () => {
        const status = await (await contract.submitAsync('PutNote', { arguments: [note] })).getStatus();
        if (!status.successful) throw new Error(`readiness transaction invalid (code ${status.code})`);
      },
      timeoutMs,
      1000,
    );
  } finally {
    gateway.close();
    client.close();
  }
}
