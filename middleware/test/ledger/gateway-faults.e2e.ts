/**
 * GatewayLedger failure handling on the real dev network: an unreachable first peer (failover) and
 * deadlines too short to meet (timeouts with the tx ID kept).
 */
import { createServer } from 'node:net';
import { GatewayLedger } from '../../src/ledger/gateway-ledger';
import { LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { loadLedgerConnection, type LedgerConnection } from '../../src/ledger/network-description';
import { requireNetwork, uniqueId } from './network';

/** A 127.0.0.1 port with nothing listening (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('GatewayLedger faults on the dev network', () => {
  let conn: LedgerConnection;
  beforeAll(async () => {
    conn = await loadLedgerConnection(requireNetwork(), { mspId: 'MallAMSP' });
  });

  it('fails over from an unreachable first peer to the next peer of the org and commits once', async () => {
    const real = conn.peers[0]!;
    const dead = { ...real, address: `127.0.0.1:${await deadPort()}` };
    const ledger = await GatewayLedger.connect(
      { ...conn, peers: [dead, real] },
      { retry: { maxAttempts: 3, sameTxAttempts: 3, backoffMs: 10, maxBackoffMs: 50 } },
    );
    try {
      const id = uniqueId('failover');
      const r = await ledger.submit('info:PutNote', [JSON.stringify({ id, text: 'after failover' })]);
      expect(await ledger.txStatus(r.txId)).toMatchObject({ found: true, validationCode: 'VALID' });
      expect(JSON.parse(new TextDecoder().decode(await ledger.evaluate('info:GetNote', [id])))).toMatchObject({ id });
      expect(await ledger.ping()).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('ping is false when no peer answers', async () => {
    const dead = { ...conn.peers[0]!, address: `127.0.0.1:${await deadPort()}` };
    const ledger = await GatewayLedger.connect({ ...conn, peers: [dead] }, { pingMs: 1000 });
    try {
      expect(await ledger.ping()).toBe(false);
    } finally {
      ledger.close();
    }
  });

  it('reports an endorse deadline it cannot meet as LedgerTimeoutError with the tx ID, re-sending the same proposal', async () => {
    const ledger = await GatewayLedger.connect(conn, {
      deadlines: { evaluateMs: 5000, endorseMs: 1, submitMs: 5000, commitStatusMs: 30000 },
      retry: { maxAttempts: 1, sameTxAttempts: 2, backoffMs: 1, maxBackoffMs: 1 },
    });
    try {
      const err = await ledger
        .submit('info:PutNote', [JSON.stringify({ id: uniqueId('slow'), text: 'x' })])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LedgerTimeoutError);
      expect((err as LedgerTimeoutError).stage).toBe('endorse');
      expect((err as LedgerTimeoutError).txId).toMatch(/^[0-9a-f]{64}$/);
      // Endorsement alone never writes: the transaction is not on the ledger.
      expect((await ledger.txStatus((err as LedgerTimeoutError).txId!)).found).toBe(false);
    } finally {
      ledger.close();
    }
  });
});
