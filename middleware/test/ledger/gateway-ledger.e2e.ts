/**
 * GatewayLedger against the real dev network (no mocks): `node fabric-network/dist/cli/main.js up` first.
 */
import { GatewayLedger } from '../../src/ledger/gateway-ledger';
import { ChaincodeRejectedError, LedgerError, type LedgerEvent } from '../../src/ledger/ledger.port';
import { loadLedgerConnection, type LedgerConnection } from '../../src/ledger/network-description';
import { collectEvents, requireNetwork, uniqueId } from './network';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('GatewayLedger on the dev network', () => {
  let conn: LedgerConnection;
  let ledger: GatewayLedger;

  beforeAll(async () => {
    conn = await loadLedgerConnection(requireNetwork(), { mspId: 'MallAMSP' });
    ledger = await GatewayLedger.connect(conn);
  });
  afterAll(() => {
    ledger.close();
  });

  it('pings the peer and evaluates info:Version', async () => {
    expect(await ledger.ping()).toBe(true);
    expect(JSON.parse(text(await ledger.evaluate('info:Version', [])))).toMatchObject({ name: 'mallchain' });
  });

  it('submits info:PutNote, which commits VALID in a block and is then readable; qscc finds the tx', async () => {
    const id = uniqueId('gw');
    const r = await ledger.submit('info:PutNote', [JSON.stringify({ id, text: 'hello from the gateway' })]);
    expect(r.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(r.blockNumber).toBeGreaterThan(0n);
    expect(JSON.parse(text(r.result))).toMatchObject({ id, text: 'hello from the gateway', writtenBy: 'MallAMSP' });
    expect(JSON.parse(text(await ledger.evaluate('info:GetNote', [id])))).toMatchObject({ id });

    const status = await ledger.txStatus(r.txId);
    expect(status).toEqual({ txId: r.txId, found: true, validationCode: 'VALID', blockNumber: r.blockNumber });
    expect(await ledger.txStatus('0'.repeat(64))).toEqual({ txId: '0'.repeat(64), found: false });
  });

  it('maps chaincode rejections to ChaincodeRejectedError with the code, for submit and evaluate, writing nothing', async () => {
    const bad = await ledger.submit('info:PutNote', ['{"id":""}']).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ChaincodeRejectedError);
    expect((bad as ChaincodeRejectedError).code).toBe('INPUT_INVALID');
    expect((bad as ChaincodeRejectedError).txId).toMatch(/^[0-9a-f]{64}$/);
    expect((await ledger.txStatus((bad as ChaincodeRejectedError).txId!)).found).toBe(false);

    const missing = await ledger.evaluate('info:GetNote', [uniqueId('none')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ChaincodeRejectedError);
    expect((missing as ChaincodeRejectedError).code).toBe('NOT_FOUND');
    expect((missing as ChaincodeRejectedError).reason).toMatch(/^note .* does not exist$/);
  });

  it('rejects a malformed transaction ID before asking the peer', async () => {
    await expect(ledger.txStatus('not a tx id!')).rejects.toThrow(/invalid transaction ID 'not a tx id!'/);
    await expect(ledger.txStatus('not a tx id!')).rejects.toBeInstanceOf(LedgerError);
  });

  it('streams chaincode events from a block and resumes after a checkpoint without doubling', async () => {
    const ids = [uniqueId('ev'), uniqueId('ev')];
    const first = await ledger.submit('info:PutNote', [JSON.stringify({ id: ids[0], text: 'one' })]);
    const second = await ledger.submit('info:PutNote', [JSON.stringify({ id: ids[1], text: 'two' })]);

    const all = await collectEvents(ledger, first.blockNumber, second.txId);
    expect(all.map((e) => e.txId)).toEqual([first.txId, second.txId]);
    expect(all[0]).toMatchObject({ blockNumber: first.blockNumber, eventName: 'mallchain.changes' });
    expect(text(all[0]!.payload)).toContain(ids[0]);

    const resumed = await collectEvents(ledger, undefined, second.txId, {
      blockNumber: first.blockNumber,
      txId: first.txId,
    });
    expect(resumed.map((e) => e.txId)).toEqual([second.txId]);
  });

  it('with no start block delivers only events committed after the listener started', async () => {
    const before = await ledger.submit('info:PutNote', [JSON.stringify({ id: uniqueId('old'), text: 'old' })]);
    const got: LedgerEvent[] = [];
    const ac = new AbortController();
    const listening = ledger.chaincodeEvents(
      undefined,
      (e) => {
        got.push(e);
        ac.abort();
        return Promise.resolve();
      },
      ac.signal,
    );
    await new Promise((r) => setTimeout(r, 500));
    const after = await ledger.submit('info:PutNote', [JSON.stringify({ id: uniqueId('new'), text: 'new' })]);
    await listening;
    expect(got.map((e) => e.txId)).toEqual([after.txId]);
    expect(got[0]!.blockNumber).toBeGreaterThan(before.blockNumber);
  });
});
