import { DidContract } from '../../src/dids/did.contract';
import { IDS, Ledger } from '../support/fake-stub';
import { createRequest, newKey } from '../support/dids-keys';

interface PolicyView {
  did: string;
  role: string;
  keyLevelPolicy: { role: string; orgs: string[] } | null;
}

describe('dids:GetEndorsementPolicy', () => {
  const contract = new DidContract();
  let ledger: Ledger;
  beforeEach(() => {
    ledger = new Ledger();
  });

  const policyOf = async (did: string): Promise<PolicyView> =>
    (await ledger.invoke<PolicyView>(contract, 'GetEndorsementPolicy', [JSON.stringify({ did })], IDS.mallBClient))
      .result;

  it("reports the owning mall's peer as the key-level policy of a mall DID", async () => {
    const k = newKey();
    await ledger.invoke(contract, 'CreateDid', [createRequest(k, 'mall')], IDS.mallAAdmin);
    expect(await policyOf(k.did)).toEqual({
      did: k.did,
      role: 'mall',
      keyLevelPolicy: { role: 'PEER', orgs: ['MallAMSP'] },
    });
  });

  it('reports no key-level policy for a member DID (the chaincode policy applies)', async () => {
    const k = newKey('ed25519');
    await ledger.invoke(contract, 'CreateDid', [createRequest(k, 'member')], IDS.mallBClient);
    expect(await policyOf(k.did)).toEqual({ did: k.did, role: 'member', keyLevelPolicy: null });
  });

  it('refuses an unknown DID and a malformed request', async () => {
    const unknown = newKey().did;
    await expect(policyOf('did:mallchain:short')).rejects.toThrow('INPUT_INVALID: did: must be did:mallchain:');
    await expect(policyOf(unknown)).rejects.toThrow(`NOT_FOUND: DID ${unknown} does not exist`);
    await expect(ledger.invoke(contract, 'GetEndorsementPolicy', ['{"did":42}'], IDS.mallAClient)).rejects.toThrow(
      'INPUT_INVALID: did: must be a string',
    );
  });
});
