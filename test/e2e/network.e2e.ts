/**
 * The foundation works end to end: a MallA client submits through its own peer, MallB's
 * peer serves the same state and the chaincode event, and strangers are refused.
 */
import { ChaincodeEvent, CloseableAsyncIterable, GatewayError } from '@hyperledger/fabric-gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkDescription, ensureFabric } from '../../fabric-network/src';
import { Connection, connectAsClient, connectTo, loadDescription, mspIdentity } from '../support/gateway';

const decoder = new TextDecoder();

describe('mallchain network (real Fabric, end to end)', () => {
  let d: NetworkDescription;
  let mallA: Connection;
  let mallB: Connection;

  beforeAll(() => {
    d = loadDescription();
    mallA = connectAsClient(d, 'MallAMSP');
    mallB = connectAsClient(d, 'MallBMSP');
  });

  afterAll(() => {
    mallA.close();
    mallB.close();
  });

  it('has the chaincode committed and reports its version', async () => {
    expect(d.chaincode).not.toBeNull();
    const contract = mallB.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    const version = JSON.parse(decoder.decode(await contract.evaluateTransaction('Version'))) as {
      name: string;
      version: string;
    };
    expect(version).toEqual({ name: 'mallchain', version: d.chaincode?.version });
  });

  it('commits a MallA transaction that MallB reads and whose event MallB receives', async () => {
    const id = `e2e-${Date.now()}-${process.pid}`;
    const contractA = mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    const submitted = await contractA.submitAsync('PutNote', {
      arguments: [JSON.stringify({ id, text: 'hello from Mall A' })],
    });
    const status = await submitted.getStatus();
    expect(status.successful).toBe(true);
    expect(status.code).toBe(0); // TxValidationCode.VALID
    expect(status.blockNumber).toBeGreaterThan(0n);
    expect(JSON.parse(decoder.decode(submitted.getResult()))).toMatchObject({ id, writtenBy: 'MallAMSP' });

    const networkB = mallB.gateway.getNetwork(d.channel);
    const note = JSON.parse(
      decoder.decode(await networkB.getContract('mallchain', 'info').evaluateTransaction('GetNote', id)),
    ) as { text: string };
    expect(note.text).toBe('hello from Mall A');

    const events: CloseableAsyncIterable<ChaincodeEvent> = await networkB.getChaincodeEvents('mallchain', {
      startBlock: status.blockNumber,
    });
    try {
      let found: ChaincodeEvent | undefined;
      for await (const event of events) {
        if (event.transactionId === submitted.getTransactionId()) {
          found = event;
          break;
        }
      }
      expect(found?.eventName).toBe('mallchain.changes');
      expect(found?.blockNumber).toBe(status.blockNumber);
      const payload = JSON.parse(decoder.decode(found?.payload)) as { changes: { entity: string; id: string }[] };
      expect(payload.changes).toEqual([expect.objectContaining({ entity: 'note', id: `note/${id}`, op: 'put' })]);
    } finally {
      events.close();
    }
  });

  it('refuses a chaincode rejection with its stable error code and writes nothing', async () => {
    const contract = mallA.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    await expect(contract.submitTransaction('PutNote', '{"text":"no id"}')).rejects.toThrow(GatewayError);
    const error = (await contract
      .submitTransaction('PutNote', '{"text":"no id"}')
      .catch((e: unknown) => e)) as GatewayError;
    expect(error.details.map((detail) => detail.message).join('\n')).toContain('INPUT_INVALID: id: must be a string');
  });

  it('refuses a transaction from an identity the channel does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mallchain-stranger-'));
    try {
      const config = join(dir, 'crypto-config.yaml');
      writeFileSync(
        config,
        'PeerOrgs:\n  - Name: Stranger\n    Domain: stranger.example.com\n    EnableNodeOUs: true\n    Specs: [{ Hostname: peer0 }]\n    Users: { Count: 1 }\n',
      );
      const tools = await ensureFabric(() => undefined);
      execFileSync(tools.bin('cryptogen'), ['generate', '--config', config, '--output', join(dir, 'crypto')]);
      const stranger = mspIdentity(
        'StrangerMSP',
        join(dir, 'crypto', 'peerOrganizations', 'stranger.example.com', 'users', 'User1@stranger.example.com', 'msp'),
      );
      const conn = connectTo(d, 'MallAMSP', stranger);
      try {
        const contract = conn.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
        const attempt = contract.submitTransaction('PutNote', JSON.stringify({ id: 'intruder', text: 'x' }));
        await expect(attempt).rejects.toBeInstanceOf(GatewayError);
        const error = (await attempt.catch((e: unknown) => e)) as GatewayError;
        const messages = error.details.map((detail) => detail.message).join('\n');
        expect(messages).toMatch(/access denied|creator org unknown|unknown.*StrangerMSP/i);
      } finally {
        conn.close();
      }
      const note = mallB.gateway
        .getNetwork(d.channel)
        .getContract('mallchain', 'info')
        .evaluateTransaction('GetNote', 'intruder');
      await expect(note).rejects.toThrow(/NOT_FOUND/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
