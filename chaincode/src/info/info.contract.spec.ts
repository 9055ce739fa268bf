import { InfoContract, CHAINCODE_VERSION } from './info.contract';
import { FORGED_ADMIN, IDS, Ledger } from '../../test/support/fake-stub';
import { requireAdminOf } from '../common/identity';
import { MallContext } from '../common/state';

describe('InfoContract', () => {
  let ledger: Ledger;
  const contract = new InfoContract();

  beforeEach(() => {
    ledger = new Ledger();
  });

  it('reports its version', async () => {
    const { result } = await ledger.invoke<{ version: string }>(contract, 'Version', [], IDS.mallAClient);
    expect(result.version).toBe(CHAINCODE_VERSION);
  });

  it('writes a note, reads it back and emits one change event', async () => {
    const put = await ledger.invoke<{ writtenBy: string }>(
      contract,
      'PutNote',
      ['{"id":"n1","text":"hello"}'],
      IDS.mallAClient,
    );
    expect(put.result.writtenBy).toBe('MallAMSP');
    expect(put.event?.name).toBe('mallchain.changes');
    expect(put.event?.payload).toMatchObject({
      fn: 'PutNote',
      changes: [{ entity: 'note', id: 'note/n1', op: 'put' }],
    });
    const got = await ledger.invoke<{ text: string; writtenAt: string }>(contract, 'GetNote', ['n1'], IDS.mallBClient);
    expect(got.result.text).toBe('hello');
    expect(got.result.writtenAt).toBe('2026-03-01T02:00:00.000Z');
  });

  it('lets only the mall that wrote a note overwrite it', async () => {
    await ledger.invoke(contract, 'PutNote', ['{"id":"n1","text":"A\'s"}'], IDS.mallAClient);
    await expect(ledger.invoke(contract, 'PutNote', ['{"id":"n1","text":"B\'s"}'], IDS.mallBClient)).rejects.toThrow(
      'AUTH_FORBIDDEN: note n1 was written by MallAMSP; caller is MallBMSP',
    );
    await ledger.invoke(contract, 'PutNote', ['{"id":"n1","text":"A again"}'], IDS.mallAAdmin);
    const got = await ledger.invoke<{ text: string }>(contract, 'GetNote', ['n1'], IDS.mallBClient);
    expect(got.result.text).toBe('A again');
  });

  it.each([
    ['not JSON', 'not json', 'INPUT_INVALID: request: is not valid JSON'],
    ['an array', '[]', 'INPUT_INVALID: request: must be a JSON object'],
    ['a missing id', '{"text":"x"}', 'INPUT_INVALID: id: must be a string'],
    ['an id with a space', '{"id":"bad id","text":"x"}', 'INPUT_INVALID: id: may contain only'],
    [
      'an oversized text',
      JSON.stringify({ id: 'n', text: 'x'.repeat(1025) }),
      'INPUT_INVALID: text: must have at most 1024 characters',
    ],
  ])('refuses %s and writes nothing', async (_label, arg, message) => {
    await expect(ledger.invoke(contract, 'PutNote', [arg], IDS.mallAClient)).rejects.toThrow(message);
    expect(ledger.state.size).toBe(0);
  });

  it('refuses identities without an org role', async () => {
    await expect(ledger.invoke(contract, 'PutNote', ['{"id":"n1","text":"x"}'], IDS.unknown)).rejects.toThrow(
      'AUTH_ROLE',
    );
    expect(ledger.state.size).toBe(0);
  });

  it('answers NOT_FOUND for a missing note and INPUT_INVALID for an empty id', async () => {
    await expect(ledger.invoke(contract, 'GetNote', ['nope'], IDS.mallAClient)).rejects.toThrow(
      'NOT_FOUND: note nope does not exist',
    );
    await expect(ledger.invoke(contract, 'GetNote', [''], IDS.mallAClient)).rejects.toThrow('INPUT_INVALID: id');
  });

  it('reads the role from the certificate: a client whose CN contains "/OU=admin" is not an admin', () => {
    const contract = new InfoContract();
    const ctx = contract.createContext() as MallContext & { setClientIdentity(c: unknown): void };
    ctx.setClientIdentity({
      getMSPID: () => FORGED_ADMIN.mspId,
      getID: () => 'x509::/C=US/OU=client/CN=evil/OU=admin@mall-a.example.com::/CN=ca',
      getIDBytes: () => Buffer.from(FORGED_ADMIN.cert),
    });
    expect(() => requireAdminOf(ctx, 'MallAMSP')).toThrow(
      'AUTH_ROLE: an admin identity of MallAMSP is required; caller is client',
    );
  });
});
