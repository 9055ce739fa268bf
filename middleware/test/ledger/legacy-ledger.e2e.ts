/**
 * LegacyLedger (fabric-network 2.2, discovery off) against the real dev network: `fabric-network ... up` first.
 */
import { LegacyLedger } from '../../src/ledger/legacy-ledger';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { loadLedgerConnection, type LedgerConnection } from '../../src/ledger/network-description';
import { collectEvents, requireNetwork, uniqueId } from './network';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('LegacyLedger on the dev network', () => {
  let conn: LedgerConnection;
  let ledger: LegacyLedger;

  beforeAll(async () => {
    conn = await loadLedgerConnection(requireNetwork(), { mspId: 'MallAMSP' });
    ledger = await LegacyLedger.connect(conn);
  });
  afterAll(() => {
    ledger.close();
  });

  it('pings and evaluates info:Version', async () => {
    expect(await ledger.ping()).toBe(true);
    expect(JSON.parse(text(await ledger.evaluate('info:Version', [])))).toMatchObject({ name: 'mallchain' });
  });

  it('submits info:PutNote (endorsed by both malls), reports its block, and the note is readable', async () => {
    const id = uniqueId('legacy');
    const r = await ledger.submit('info:PutNote', [JSON.stringify({ id, text: 'via fabric-network 2.2' })]);
    expect(r.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(r.blockNumber).toBeGreaterThan(0n);
    expect(JSON.parse(text(r.result))).toMatchObject({ id, writtenBy: 'MallAMSP' });
    expect(JSON.parse(text(await ledger.evaluate('info:GetNote', [id])))).toMatchObject({ id });
    expect(await ledger.txStatus(r.txId)).toEqual({
      txId: r.txId,
      found: true,
      validationCode: 'VALID',
      blockNumber: r.blockNumber,
    });
  });

  it('maps chaincode rejections to ChaincodeRejectedError with the code', async () => {
    const bad = await ledger.submit('info:PutNote', ['{"id":""}']).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ChaincodeRejectedError);
    expect((bad as ChaincodeRejectedError).code).toBe('INPUT_INVALID');
    const missing = await ledger.evaluate('info:GetNote', [uniqueId('none')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ChaincodeRejectedError);
    expect((missing as ChaincodeRejectedError).code).toBe('NOT_FOUND');
  });

  it('streams chaincode events from a block and resumes after a checkpoint without doubling', async () => {
    const first = await ledger.submit('info:PutNote', [JSON.stringify({ id: uniqueId('lev'), text: 'one' })]);
    const second = await ledger.submit('info:PutNote', [JSON.stringify({ id: uniqueId('lev'), text: 'two' })]);
    expect((await collectEvents(ledger, first.blockNumber, second.txId)).map((e) => e.txId)).toEqual([
      first.txId,
      second.txId,
    ]);
    const resumed = await collectEvents(ledger, undefined, second.txId, {
      blockNumber: first.blockNumber,
      txId: first.txId,
    });
    expect(resumed.map((e) => e.txId)).toEqual([second.txId]);
  });
});
