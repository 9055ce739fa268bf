/**
 * Stored times never go backwards within a record: a DID version or a status-list version
 * whose transaction time is not after the current one is refused (else it would never
 * resolve by `versionTime`, and signatures made with its keys become deniable). Versions are
 * found by key, not by scanning, so 10,000+ versions still resolve correctly.
 */
import { DidContract } from '../../src/dids/did.contract';
import { StatusContract } from '../../src/status/status.contract';
import { sha256Hex } from '../../src/common/signature';
import { IDS, Ledger } from '../support/fake-stub';
import { createRequest, deactivateRequest, didDocument, newKey, updateRequest } from '../support/dids-keys';
import { anchorListRequest, listWith } from '../support/dids-status';

const dids = new DidContract();
const status = new StatusContract();

interface Resolution {
  didDocumentMetadata: { versionId?: string; updated?: string; nextVersionId?: string };
}

describe('monotonic DID versions', () => {
  it('refuses an update whose transaction time is before the current version', async () => {
    const ledger = new Ledger();
    const k = newKey();
    await ledger.invoke(dids, 'CreateDid', [createRequest(k)], IDS.mallAClient);
    ledger.advance(10 * 60_000);
    await ledger.invoke(dids, 'UpdateDid', [updateRequest(k.did, '1', didDocument(k.did, k), k)], IDS.mallAClient);
    const before = ledger.dump();
    ledger.advance(-5 * 60_000); // a submitter picks an earlier timestamp, within the peer's window
    await expect(
      ledger.invoke(dids, 'UpdateDid', [updateRequest(k.did, '2', didDocument(k.did, k), k)], IDS.mallAClient),
    ).rejects.toThrow(/^TIME_BACKWARDS: the transaction time .* is not after .* of version 2/);
    expect(ledger.dump()).toEqual(before);
    ledger.advance(5 * 60_000 + 1); // one millisecond later is fine
    await ledger.invoke(dids, 'UpdateDid', [updateRequest(k.did, '2', didDocument(k.did, k), k)], IDS.mallAClient);
  });

  it('refuses an update at the same time as the current version (it would shadow that version)', async () => {
    const ledger = new Ledger();
    const k = newKey();
    const k2 = newKey();
    await ledger.invoke(dids, 'CreateDid', [createRequest(k)], IDS.mallAClient);
    ledger.advance(60_000);
    await ledger.invoke(dids, 'UpdateDid', [updateRequest(k.did, '1', didDocument(k.did, k), k)], IDS.mallAClient);
    const before = ledger.dump();
    // Version 2 signs something, then version 3 replacing its key is stamped at the same ms:
    // version 2 would never be the one in force at any versionTime (deniable signatures).
    const rotate = updateRequest(k.did, '2', didDocument(k.did, k2, 'key-2'), k);
    await expect(ledger.invoke(dids, 'UpdateDid', [rotate], IDS.mallAClient)).rejects.toThrow(
      /^TIME_BACKWARDS: the transaction time (\S+) is not after \1 of version 2/,
    );
    await expect(
      ledger.invoke(dids, 'DeactivateDid', [deactivateRequest(k.did, '2', k)], IDS.mallAClient),
    ).rejects.toThrow('TIME_BACKWARDS');
    expect(ledger.dump()).toEqual(before);
    const at = async (ms: number): Promise<string | undefined> =>
      (
        await ledger.invoke<Resolution>(
          dids,
          'ResolveDid',
          [JSON.stringify({ did: k.did, versionTime: new Date(ms).toISOString() })],
          IDS.mallBClient,
        )
      ).result.didDocumentMetadata.versionId;
    expect(await at(ledger.now)).toBe('2');
    ledger.advance(1);
    await ledger.invoke(dids, 'UpdateDid', [rotate], IDS.mallAClient);
    expect(await at(ledger.now - 1)).toBe('2');
    expect(await at(ledger.now)).toBe('3');
  });

  it('resolves every version by versionId and versionTime without scanning the history', async () => {
    const ledger = new Ledger();
    ledger.totalQueryLimit = 3; // a scan would be cut here; lookups by key are not
    const k = newKey();
    await ledger.invoke(dids, 'CreateDid', [createRequest(k)], IDS.mallAClient);
    const times = [ledger.now];
    for (let v = 1; v < 8; v++) {
      ledger.advance(1000);
      times.push(ledger.now);
      await ledger.invoke(
        dids,
        'UpdateDid',
        [updateRequest(k.did, String(v), didDocument(k.did, k), k)],
        IDS.mallAClient,
      );
    }
    const resolve = async (arg: object): Promise<Resolution> =>
      (await ledger.invoke<Resolution>(dids, 'ResolveDid', [JSON.stringify({ did: k.did, ...arg })], IDS.mallBClient))
        .result;
    for (const [i, t] of times.entries()) {
      const byTime = await resolve({ versionTime: new Date(t + 500).toISOString() });
      expect(byTime.didDocumentMetadata.versionId).toBe(String(i + 1));
      const byId = await resolve({ versionId: String(i + 1) });
      expect(byId.didDocumentMetadata).toMatchObject({ versionId: String(i + 1), updated: new Date(t).toISOString() });
      if (i < 7) expect(byId.didDocumentMetadata.nextVersionId).toBe(String(i + 2));
    }
    expect((await resolve({})).didDocumentMetadata.versionId).toBe('8');
  });
});

describe('monotonic status list versions', () => {
  it('refuses an anchor at a time not after the current version, and finds versions by key', async () => {
    const ledger = new Ledger();
    ledger.totalQueryLimit = 2;
    const issuer = newKey();
    await ledger.invoke(dids, 'CreateDid', [createRequest(issuer, 'mall')], IDS.mallAAdmin);
    const listId = 'https://mall-a.example.com/status/1';
    const anchor = (version: number, set: number[]): Promise<unknown> => {
      const encodedList = listWith(...set);
      const body = { listId, purpose: 'revocation', version, digest: sha256Hex(encodedList), encodedList };
      return ledger.invoke(status, 'AnchorStatusList', [anchorListRequest(issuer, body)], IDS.mallAClient);
    };
    await anchor(1, []);
    for (let v = 2; v <= 5; v++) {
      ledger.advance(1000);
      await anchor(v, v === 5 ? [7] : []);
    }
    ledger.advance(-3000);
    await expect(anchor(6, [])).rejects.toThrow(/^TIME_BACKWARDS: /);
    ledger.advance(3000);
    // The same ms as version 5 (which revoked index 7): an unrevoking version 6 would hide it.
    const before = ledger.dump();
    await expect(anchor(6, [])).rejects.toThrow(/^TIME_BACKWARDS: .* is not after .* of version 5 of /);
    expect(ledger.dump()).toEqual(before);
    const check = async (atMs: number): Promise<string> =>
      (
        await ledger.invoke<{ status: string }>(
          status,
          'CheckCredentialStatus',
          [JSON.stringify({ issuer: issuer.did, listId, index: 7, at: new Date(atMs).toISOString() })],
          IDS.mallBClient,
        )
      ).result.status;
    // Before: all versions were scanned, so a cut scan made a revoked credential read valid.
    expect(await check(ledger.now)).toBe('revoked');
    expect(await check(ledger.now - 1001)).toBe('valid');
  });
});
