import { KeyEndorsementPolicy } from 'fabric-shim';
import { DidContract } from '../../src/dids/did.contract';
import { getDid } from '../../src/dids/did.store';
import { IDS, Identity, Ledger } from '../support/fake-stub';
import {
  createRequest,
  deactivateRequest,
  didDocument,
  didOperation,
  newKey,
  signJcs,
  updateRequest,
} from '../support/dids-keys';

interface Resolution {
  didDocument: { id: string; verificationMethod: { id: string }[] } | null;
  didDocumentMetadata: Record<string, unknown>;
  didResolutionMetadata: Record<string, unknown>;
}

interface StubSettable {
  setChaincodeStub(stub: unknown): void;
}

/** Records the state-based endorsement policies a transaction sets. */
class SbeSpyContract extends DidContract {
  readonly policies: { key: string; orgs: string[] }[] = [];
  override createContext(): ReturnType<DidContract['createContext']> {
    const ctx = super.createContext();
    const settable = ctx as unknown as StubSettable;
    const setStub = settable.setChaincodeStub.bind(ctx);
    settable.setChaincodeStub = (stub: unknown): void => {
      const s = stub as { setStateValidationParameter(k: string, ep: Uint8Array): Promise<void> };
      const original = s.setStateValidationParameter.bind(s);
      s.setStateValidationParameter = (k: string, ep: Uint8Array): Promise<void> => {
        this.policies.push({ key: k, orgs: new KeyEndorsementPolicy(ep).listOrgs() });
        return original(k, ep);
      };
      setStub(stub);
    };
    return ctx;
  }
}

describe('dids contract', () => {
  let ledger: Ledger;
  const contract = new DidContract();

  beforeEach(() => {
    ledger = new Ledger();
  });

  async function resolve(arg: Record<string, unknown>, who: Identity = IDS.mallBClient): Promise<Resolution> {
    const { result } = await ledger.invoke<Resolution>(contract, 'ResolveDid', [JSON.stringify(arg)], who);
    return result;
  }

  describe.each(['p256', 'ed25519'] as const)('lifecycle with a %s key', (kind) => {
    it('creates, updates with a new key, resolves both versions, deactivates', async () => {
      const k1 = newKey(kind);
      const k2 = newKey(kind);
      const did = k1.did;
      const created = await ledger.invoke<{ did: string; versionId: string }>(
        contract,
        'CreateDid',
        [createRequest(k1)],
        IDS.mallAClient,
      );
      expect(created.result).toEqual({ did, versionId: '1', created: '2026-03-01T02:00:00.000Z' });
      expect(created.event?.payload).toMatchObject({
        fn: 'CreateDid',
        changes: [
          { entity: 'did', id: `did/${did}`, op: 'put' },
          { entity: 'didVersion', id: `didv/${did}/0000000001`, op: 'put' },
        ],
      });

      ledger.advance(60_000);
      const doc2 = didDocument(did, k2, 'key-2');
      const updated = await ledger.invoke(contract, 'UpdateDid', [updateRequest(did, '1', doc2, k1)], IDS.mallBClient);
      expect(updated.result).toEqual({ did, versionId: '2', updated: '2026-03-01T02:01:00.000Z' });

      const v1 = await resolve({ did, versionId: '1' });
      expect(v1.didDocument?.verificationMethod.map((m) => m.id)).toEqual([`${did}#key-1`]);
      expect(v1.didDocumentMetadata).toMatchObject({
        created: '2026-03-01T02:00:00.000Z',
        updated: '2026-03-01T02:00:00.000Z',
        versionId: '1',
        nextVersionId: '2',
        nextUpdate: '2026-03-01T02:01:00.000Z',
        deactivated: false,
        role: 'member',
      });
      const current = await resolve({ did });
      expect(current.didDocument?.verificationMethod.map((m) => m.id)).toEqual([`${did}#key-2`]);
      expect(current.didDocumentMetadata).toMatchObject({ versionId: '2', created: '2026-03-01T02:00:00.000Z' });
      expect(current.didDocumentMetadata.nextVersionId).toBeUndefined();
      expect(current.didResolutionMetadata).toEqual({ contentType: 'application/did+json' });

      const atTime = await resolve({ did, versionTime: '2026-03-01T02:00:59Z' });
      expect(atTime.didDocumentMetadata.versionId).toBe('1');
      const afterUpdate = await resolve({ did, versionTime: '2026-03-01T02:01:00Z' });
      expect(afterUpdate.didDocumentMetadata.versionId).toBe('2');
      const beforeCreation = await resolve({ did, versionTime: '2026-03-01T01:59:59Z' });
      expect(beforeCreation).toMatchObject({ didDocument: null, didResolutionMetadata: { error: 'notFound' } });

      // The rotated-out key no longer controls the DID.
      const before = ledger.dump();
      const byOldKey = updateRequest(did, '2', didDocument(did, k1), k1);
      await expect(ledger.invoke(contract, 'UpdateDid', [byOldKey], IDS.mallAClient)).rejects.toThrow(
        `AUTH_SIGNATURE: ${did}#key-1 is not a controller key`,
      );
      expect(ledger.dump()).toEqual(before);

      ledger.advance(60_000);
      const deactivated = await ledger.invoke(
        contract,
        'DeactivateDid',
        [deactivateRequest(did, '2', k2, `${did}#key-2`)],
        IDS.mallAAdmin,
      );
      expect(deactivated.result).toEqual({ did, versionId: '3', deactivated: true });
      const gone = await resolve({ did });
      expect(gone.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '3' });
      expect(gone.didDocument?.verificationMethod).toEqual([]);
      expect((await resolve({ did, versionId: '2' })).didDocumentMetadata).toMatchObject({
        deactivated: false,
        nextVersionId: '3',
      });
      const again = updateRequest(did, '3', didDocument(did, k2, 'key-2'), k2, `${did}#key-2`);
      await expect(ledger.invoke(contract, 'UpdateDid', [again], IDS.mallAClient)).rejects.toThrow('DID_DEACTIVATED');
    });
  });

  it('keeps every version under its own key and the current record for getDid', async () => {
    const k = newKey();
    await ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallAClient);
    ledger.advance(1); // a new version must be strictly later than the one it replaces
    await ledger.invoke(contract, 'UpdateDid', [updateRequest(k.did, '1', didDocument(k.did, k), k)], IDS.mallAClient);
    const keys = Object.keys(ledger.dump());
    expect(keys).toEqual([`did/${k.did}`, `didv/${k.did}/0000000001`, `didv/${k.did}/0000000002`]);
    expect(ledger.dump()[`did/${k.did}`]).toMatchObject({ versionId: 2, anchoredBy: 'MallAMSP', role: 'member' });
  });

  describe('refuses, writing nothing', () => {
    it('a forged signature, a replayed update, a fork and a signature for another channel', async () => {
      const k = newKey();
      const other = newKey();
      await ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallAClient);
      const doc = didDocument(k.did, k);
      const first = updateRequest(k.did, '1', doc, k);
      const fork = updateRequest(
        k.did,
        '1',
        didDocument(k.did, k, 'key-1', { extraKeys: [{ fragment: 'k9', key: other }] }),
        k,
      );
      ledger.advance(1);
      await ledger.invoke(contract, 'UpdateDid', [first], IDS.mallAClient);
      const before = ledger.dump();
      const cases: [string, string][] = [
        [updateRequest(k.did, '2', doc, other), 'AUTH_SIGNATURE: signature by'],
        [first, 'DID_STALE'],
        [fork, 'DID_STALE'],
        [updateRequest(k.did, '2', doc, k, `${k.did}#key-1`, 'otherchannel'), 'AUTH_SIGNATURE'],
        [deactivateRequest(k.did, '2', other), 'AUTH_SIGNATURE'],
      ];
      for (const [req, message] of cases) {
        const fn = req.includes('"document"') ? 'UpdateDid' : 'DeactivateDid';
        await expect(ledger.invoke(contract, fn, [req], IDS.mallAClient)).rejects.toThrow(message);
      }
      expect(ledger.dump()).toEqual(before);
    });

    it('a create signed for another channel, by a key the DID is not derived from, or twice', async () => {
      const k = newKey('ed25519');
      const other = newKey();
      await expect(
        ledger.invoke(contract, 'CreateDid', [createRequest(k, 'member', { channel: 'x' })], IDS.mallAClient),
      ).rejects.toThrow('AUTH_SIGNATURE');
      // The document lists `other` as a controller, but the DID is k's: not self-certifying.
      const document = didDocument(k.did, other, 'key-1');
      const signature = signJcs(other, didOperation('create', k.did, null, { role: 'member', document }));
      const squat = JSON.stringify({ role: 'member', document, proof: { kid: `${k.did}#key-1`, signature } });
      await expect(ledger.invoke(contract, 'CreateDid', [squat], IDS.mallAClient)).rejects.toThrow(
        'DID_NOT_SELF_CERTIFYING',
      );
      expect(ledger.dump()).toEqual({});
      await ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallAClient);
      const before = ledger.dump();
      await expect(ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallBClient)).rejects.toThrow(
        'DID_EXISTS',
      );
      expect(ledger.dump()).toEqual(before);
    });

    it('operations on a DID that does not exist', async () => {
      const k = newKey();
      await expect(
        ledger.invoke(contract, 'UpdateDid', [updateRequest(k.did, '1', didDocument(k.did, k), k)], IDS.mallAClient),
      ).rejects.toThrow(`NOT_FOUND: DID ${k.did} does not exist`);
      await expect(
        ledger.invoke(contract, 'DeactivateDid', [deactivateRequest(k.did, '1', k)], IDS.mallAClient),
      ).rejects.toThrow('NOT_FOUND');
      expect(ledger.dump()).toEqual({});
    });
  });

  it('resolves an unknown DID to notFound and refuses malformed resolution requests', async () => {
    const k = newKey();
    expect(await resolve({ did: k.did })).toMatchObject({ didResolutionMetadata: { error: 'notFound' } });
    const bad: [string, string][] = [
      ['nope', 'INPUT_INVALID: request: is not valid JSON'],
      ['{}', 'INPUT_INVALID: did: must be a string'],
      ['{"did":"did:example:1"}', 'INPUT_INVALID: did: must be did:mallchain:'],
      [JSON.stringify({ did: k.did, versionId: 1 }), 'INPUT_INVALID: versionId: must be a string'],
      [JSON.stringify({ did: k.did, versionId: '0' }), 'INPUT_INVALID: versionId: must be a version id'],
      [JSON.stringify({ did: k.did, versionTime: 'yesterday' }), 'INPUT_INVALID: versionTime: must be an ISO-8601'],
      [JSON.stringify({ did: k.did, versionId: '1', versionTime: '2026-01-01T00:00:00Z' }), 'not both'],
    ];
    for (const [arg, message] of bad) {
      await expect(ledger.invoke(contract, 'ResolveDid', [arg], IDS.mallAClient)).rejects.toThrow(message);
    }
  });

  describe('authorization', () => {
    const everyone = Object.entries(IDS) as [keyof typeof IDS, Identity][];
    const createAllowed: Record<string, (keyof typeof IDS)[]> = {
      member: ['mallAAdmin', 'mallAClient', 'mallBAdmin', 'mallBClient'],
      merchant: ['mallAAdmin', 'mallAClient', 'mallBAdmin', 'mallBClient'],
      device: ['mallAAdmin', 'mallBAdmin'],
      mall: ['mallAAdmin', 'mallBAdmin'],
    };

    it.each(Object.keys(createAllowed))('CreateDid of a %s DID', async (role) => {
      for (const [name, who] of everyone) {
        const fresh = new Ledger();
        const attempt = fresh.invoke(contract, 'CreateDid', [createRequest(newKey(), role)], who);
        if (createAllowed[role]!.includes(name)) {
          await expect(attempt).resolves.toBeDefined();
          expect(Object.keys(fresh.dump())).toHaveLength(2);
        } else {
          await expect(attempt).rejects.toThrow(/AUTH_(ROLE|FORBIDDEN)/);
          expect(fresh.dump()).toEqual({});
        }
      }
    });

    const changeAllowed: Record<string, (keyof typeof IDS)[]> = {
      member: ['mallAAdmin', 'mallAClient', 'mallBAdmin', 'mallBClient'],
      merchant: ['mallAAdmin', 'mallAClient'],
      device: ['mallAAdmin'],
      mall: ['mallAAdmin'],
    };

    it.each(Object.keys(changeAllowed))('UpdateDid and DeactivateDid of a %s DID created by Mall A', async (role) => {
      for (const [name, who] of everyone) {
        for (const fn of ['UpdateDid', 'DeactivateDid']) {
          const fresh = new Ledger();
          const k = newKey();
          await fresh.invoke(contract, 'CreateDid', [createRequest(k, role)], IDS.mallAAdmin);
          const before = fresh.dump();
          const req =
            fn === 'UpdateDid' ? updateRequest(k.did, '1', didDocument(k.did, k), k) : deactivateRequest(k.did, '1', k);
          fresh.advance(1);
          const attempt = fresh.invoke(contract, fn, [req], who);
          if (changeAllowed[role]!.includes(name)) {
            await expect(attempt).resolves.toBeDefined();
            expect(fresh.dump()[`did/${k.did}`]).toMatchObject({ versionId: 2 });
          } else {
            await expect(attempt).rejects.toThrow(/AUTH_(ROLE|FORBIDDEN)/);
            expect(fresh.dump()).toEqual(before);
          }
        }
      }
    });

    it('ResolveDid answers every identity the same', async () => {
      const k = newKey();
      await ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallAClient);
      const answers = await Promise.all(everyone.map(([, who]) => resolve({ did: k.did }, who)));
      for (const a of answers) expect(a).toEqual(answers[0]);
    });
  });

  it("sets state-based endorsement by the mall's peers on a mall DID, and on nothing else", async () => {
    const spy = new SbeSpyContract();
    const mall = newKey();
    const member = newKey();
    await ledger.invoke(spy, 'CreateDid', [createRequest(member)], IDS.mallAClient);
    expect(spy.policies).toEqual([]);
    await ledger.invoke(spy, 'CreateDid', [createRequest(mall, 'mall')], IDS.mallBAdmin);
    ledger.advance(1);
    await ledger.invoke(
      spy,
      'UpdateDid',
      [updateRequest(mall.did, '1', didDocument(mall.did, mall), mall)],
      IDS.mallBAdmin,
    );
    expect(spy.policies.map((p) => p.orgs)).toEqual([['MallBMSP'], ['MallBMSP'], ['MallBMSP'], ['MallBMSP']]);
    expect(spy.policies.map((p) => p.key.split('\u0000').filter(Boolean).join('/'))).toEqual([
      `did/${mall.did}`,
      `didv/${mall.did}/0000000001`,
      `did/${mall.did}`,
      `didv/${mall.did}/0000000002`,
    ]);
  });

  it('exposes the stored record through the shared getDid API', async () => {
    const k = newKey();
    await ledger.invoke(contract, 'CreateDid', [createRequest(k, 'merchant')], IDS.mallBClient);
    const ctx = contract.createContext();
    const stubLike = {
      getState: (key: string) => Promise.resolve(ledger.state.get(key) ?? new Uint8Array(0)),
      createCompositeKey: (t: string, a: string[]) => `\u0000${t}\u0000${a.map((x) => `${x}\u0000`).join('')}`,
    };
    (ctx as unknown as StubSettable).setChaincodeStub(stubLike);
    expect(await getDid(ctx, k.did)).toMatchObject({ role: 'merchant', ownerMsp: 'MallBMSP', anchoredBy: 'MallBMSP' });
  });
});
