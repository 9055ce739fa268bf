/**
 * State-based endorsement of a mall's DID on real peers. Creating a `mall` DID puts a
 * key-level endorsement policy (that mall's peer) on its current record. An update writes that
 * record (owner's peer required) and a new version key (the chaincode's MAJORITY policy), so a
 * change to a mall's DID needs the channel majority AND the owning mall — in a two-mall channel
 * both peers, and the other mall's peer alone can never change it.
 */
import { MALL_A, MALL_B, Malls, connectMalls } from '../support/chain-call';
import { ChainKey, newKey } from '../support/chain-keys';
import { createDid, didDocument, updateDid } from '../support/chain-requests';

const VALID = 0;
const ENDORSEMENT_POLICY_FAILURE = 10;

interface Resolution {
  didDocumentMetadata: { versionId?: string };
}
interface PolicyView {
  role: string;
  keyLevelPolicy: { role: string; orgs: string[] } | null;
}

let m: Malls;

beforeAll(() => {
  m = connectMalls();
});

afterAll(() => {
  m.close();
});

/** A signed update of `key.did` from version 1 to a document with a second key. */
function secondKeyUpdate(channel: string, key: ChainKey): Record<string, unknown> {
  const document = didDocument(key.did, [
    { fragment: 'key-1', key },
    { fragment: 'key-2', key: newKey('EdDSA') },
  ]);
  return updateDid(channel, key.did, '1', document, key, `${key.did}#key-1`);
}

describe("a mall's DID is guarded by that mall's peer (key-level endorsement policy)", () => {
  it("is recorded on every peer: Mall A's mall DID requires Mall A's peer, a member DID follows the channel", async () => {
    const channel = m.d.channel;
    const mallKey = newKey();
    const memberKey = newKey();
    await m.aAdmin.submit('dids:CreateDid', createDid(channel, mallKey, 'mall'));
    await m.aClient.submit('dids:CreateDid', createDid(channel, memberKey, 'member'));
    for (const user of [m.aClient, m.bClient]) {
      expect(await user.query<PolicyView>('dids:GetEndorsementPolicy', { did: mallKey.did })).toMatchObject({
        role: 'mall',
        keyLevelPolicy: { role: 'PEER', orgs: [MALL_A] },
      });
      expect(await user.query<PolicyView>('dids:GetEndorsementPolicy', { did: memberKey.did })).toMatchObject({
        role: 'member',
        keyLevelPolicy: null,
      });
    }
  });

  it("refuses a change to Mall A's DID endorsed by Mall B's peer alone, and commits it with both", async () => {
    const channel = m.d.channel;
    const mallKey = newKey();
    await m.aAdmin.submit('dids:CreateDid', createDid(channel, mallKey, 'mall'));
    const update = secondKeyUpdate(channel, mallKey);

    const byB = await m.aAdmin.submitEndorsedBy('dids:UpdateDid', update, [MALL_B]);
    expect(byB.code).toBe(ENDORSEMENT_POLICY_FAILURE);
    const byA = await m.aAdmin.submitEndorsedBy('dids:UpdateDid', update, [MALL_A]);
    expect(byA.code).toBe(ENDORSEMENT_POLICY_FAILURE); // the new version key still needs the majority
    const unchanged = await m.bClient.query<Resolution>('dids:ResolveDid', { did: mallKey.did });
    expect(unchanged.didDocumentMetadata.versionId).toBe('1');

    const both = await m.aAdmin.submitEndorsedBy('dids:UpdateDid', update, [MALL_A, MALL_B]);
    expect(both.code).toBe(VALID);
    const updated = await m.bClient.query<Resolution>('dids:ResolveDid', { did: mallKey.did });
    expect(updated.didDocumentMetadata.versionId).toBe('2');
  });
});
