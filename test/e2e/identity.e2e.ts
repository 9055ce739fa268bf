/**
 * DIDs, devices and credential status on the real network (issue 4): Mall A registers a
 * people counter that signs its own statements, Mall B checks the anchored digest through
 * its own peer; a member DID lives through create, update, resolution of both versions and
 * deactivation; an issuer anchors a status list and a credential batch. Keys are real and
 * every ID is unique per run because the ledger persists.
 */
import { eventually } from '../support/admin-expect';
import { MALL_A, MALL_B, Malls, connectMalls } from '../support/chain-call';
import { ChainKey, jcs, newKey, sha256Hex, uniqueSuffix } from '../support/chain-keys';
import {
  Statement,
  anchorCredentialBatch,
  anchorStatusList,
  attestation,
  auditPath,
  createDid,
  createDidAs,
  deactivateDid,
  didDocument,
  encodedStatusList,
  merkleRoot,
  registerDevice,
  rotateDeviceKey,
  trafficStatement,
  updateDid,
} from '../support/chain-requests';

interface DeviceKey {
  kid: string;
  alg: string;
  validFrom: string;
  validTo?: string;
}
interface Resolution {
  didDocument: { id: string; verificationMethod: { id: string }[] } | null;
  didDocumentMetadata: {
    created?: string;
    updated?: string;
    versionId?: string;
    nextVersionId?: string;
    nextUpdate?: string;
    deactivated?: boolean;
  };
  didResolutionMetadata: { error?: string };
}

const at = (iso: string, plusMs: number): string => new Date(Date.parse(iso) + plusMs).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let m: Malls;
let channel: string;

beforeAll(() => {
  m = connectMalls();
  channel = m.d.channel;
});

afterAll(() => {
  m.close();
});

describe('a Mall A people counter notarizes its counts; Mall B verifies them (real Fabric)', () => {
  const counter = newKey('ES256');
  const location = { site: 'Mall A', floor: 'F1', zone: `Atrium ${uniqueSuffix()}`, entrance: 'North gate' };
  let registeredAt: string;
  const records = (seq: number): string => jcs([{ seq, inNum: 130 + seq, outNum: 118, time: 'slot' }]);
  const statementNo = (seq: number, start = registeredAt): Statement =>
    trafficStatement(
      channel,
      counter.did,
      seq,
      { start: at(start, (seq - 1) * 1000), end: at(start, seq * 1000) },
      records(seq),
      { inNum: 130 + seq, outNum: 118 },
      1,
    );
  const submitA = (...entries: Record<string, unknown>[]): Promise<Record<string, unknown>> =>
    m.aClient.submit('devices:SubmitAttestations', { attestations: entries });
  const refusedA = (...entries: Record<string, unknown>[]): Promise<string> =>
    m.aClient.refused('devices:SubmitAttestations', { attestations: entries });

  it('registers the counter with its own key (proof of possession), admin of the owner mall only', async () => {
    const squatter = newKey('ES256');
    // Mall B replays a proof made out to Mall A: the proof names the owner, so it fails.
    expect(
      await m.bAdmin.refused('devices:RegisterDevice', registerDevice(channel, squatter, MALL_A, location)),
    ).toMatch(/^AUTH_SIGNATURE/);
    expect(
      await m.aClient.refused('devices:RegisterDevice', registerDevice(channel, squatter, MALL_A, location)),
    ).toMatch(/^AUTH_ROLE/);
    expect(
      await m.aAdmin.refused('devices:RegisterDevice', registerDevice('otherchannel', squatter, MALL_A, location)),
    ).toMatch(/^AUTH_SIGNATURE/);
    expect(await m.bClient.queryRefused('devices:GetDevice', { did: squatter.did })).toMatch(/^NOT_FOUND/);

    const device = await m.aAdmin.submit<{ ownerMsp: string; status: string; registeredAt: string; keys: DeviceKey[] }>(
      'devices:RegisterDevice',
      registerDevice(channel, counter, MALL_A, location),
    );
    expect(device).toMatchObject({ ownerMsp: MALL_A, status: 'active', type: 'people_counter', location });
    expect(device.keys).toEqual([expect.objectContaining({ kid: `${counter.did}#key-1`, alg: 'ES256' })]);
    registeredAt = device.registeredAt;
    expect(
      await m.aAdmin.refused('devices:RegisterDevice', registerDevice(channel, counter, MALL_A, location)),
    ).toMatch(/^DEVICE_EXISTS/);
    await expect(m.bClient.query('devices:GetDevice', { did: counter.did })).resolves.toMatchObject({
      ownerMsp: MALL_A,
      lastSeq: 0,
    });
  });

  it('anchors a statement the counter signed, and Mall B verifies the digest on its own peer', async () => {
    const s1 = statementNo(1);
    const result = await submitA(attestation(s1, counter));
    expect(result.anchored).toEqual([{ deviceDid: counter.did, seq: 1, statementHash: sha256Hex(jcs(s1)) }]);

    const check = await m.bClient.query('devices:VerifyDigest', { deviceDid: counter.did, seq: 1, digest: s1.digest });
    expect(check).toMatchObject({ match: true, trusted: true, ownerMsp: MALL_A, deviceStatus: 'active' });
    // The digest a middleware would recompute from the raw records is the one anchored.
    expect(s1.digest).toBe(sha256Hex(records(1)));
    const other = await m.bClient.query('devices:VerifyDigest', {
      deviceDid: counter.did,
      seq: 1,
      digest: sha256Hex(records(99)),
    });
    expect(other).toMatchObject({ match: false, trusted: false, anchoredDigest: s1.digest });
  });

  it('refuses forged, replayed, reordered, misdirected and foreign submissions, writing nothing', async () => {
    const s2 = statementNo(2);
    const s3 = statementNo(3);
    expect(await refusedA(attestation(s2, newKey('ES256')))).toMatch(/^AUTH_SIGNATURE/);
    expect(await refusedA({ ...attestation(s2, counter), statement: { ...s2, count: 2 } })).toMatch(/^AUTH_SIGNATURE/);
    expect(await refusedA(attestation(statementNo(1), counter))).toMatch(/^DEVICE_SEQ/);
    expect(await refusedA(attestation(s3, counter), attestation(s2, counter))).toMatch(/^DEVICE_SEQ/);
    expect(await refusedA(attestation({ ...s2, channel: 'otherchannel' }, counter))).toMatch(/^DEVICE_CHANNEL/);
    expect(await m.bClient.refused('devices:SubmitAttestations', { attestations: [attestation(s2, counter)] })).toMatch(
      /^AUTH_FORBIDDEN/,
    );
    const early = statementNo(2, at(registeredAt, -3_600_000));
    expect(await refusedA(attestation(early, counter))).toMatch(/^DEVICE_KEY/);
    expect(await refusedA({ ...attestation(s2, counter), alg: 'RS256' })).toMatch(/^(DEVICE_ALG|INPUT_INVALID)/);

    await expect(m.bClient.query('devices:GetDevice', { did: counter.did })).resolves.toMatchObject({ lastSeq: 1 });
    expect(
      await m.bClient.queryRefused('devices:VerifyDigest', { deviceDid: counter.did, seq: 2, digest: s2.digest }),
    ).toMatch(/^NOT_FOUND/);
  });

  it('accepts an ordered batch, and after a key rotation only the new key signs', async () => {
    await submitA(attestation(statementNo(2), counter), attestation(statementNo(3), counter));
    const next = newKey('EdDSA');
    expect(
      await m.bAdmin.refused('devices:RotateDeviceKey', rotateDeviceKey(channel, counter.did, next, 2, MALL_B)),
    ).toMatch(/^AUTH_FORBIDDEN/);
    const rotated = await m.aAdmin.submit<{ keys: DeviceKey[]; updatedAt: string }>(
      'devices:RotateDeviceKey',
      rotateDeviceKey(channel, counter.did, next, 2, MALL_A),
    );
    expect(rotated.keys.map((k) => [k.kid, k.alg])).toEqual([
      [`${counter.did}#key-1`, 'ES256'],
      [`${counter.did}#key-2`, 'EdDSA'],
    ]);
    expect(rotated.keys[0]?.validTo).toBe(rotated.keys[1]?.validFrom);

    await sleep(50);
    const after = statementNo(4, at(rotated.keys[1]?.validFrom ?? '', -3000));
    expect(await refusedA(attestation(after, counter))).toMatch(/^DEVICE_KEY/);
    await submitA(attestation(after, next, 'key-2'));

    for (const user of [m.aClient, m.bClient]) {
      const keys = await user.query<{ keys: DeviceKey[] }>('devices:GetDeviceKeys', { did: counter.did });
      expect(keys.keys).toHaveLength(2);
      const list = await user.query<{ statement: Statement }[]>('devices:ListAttestations', {
        deviceDid: counter.did,
        from: at(registeredAt, -60_000),
        to: at(registeredAt, 3_600_000),
      });
      // In period order (seq 4 covers a period that may start before seq 2's).
      const starts = list.map((a) => a.statement.periodStart);
      expect(starts).toEqual([...starts].sort());
      expect(list.map((a) => a.statement.seq).sort()).toEqual([1, 2, 3, 4]);
    }
    expect(await m.bAdmin.refused('devices:SuspendDevice', { did: counter.did })).toMatch(/^AUTH_FORBIDDEN/);
    expect(await m.aClient.refused('devices:SuspendDevice', { did: counter.did })).toMatch(/^AUTH_ROLE/);
    await expect(m.bClient.query('devices:GetDevice', { did: counter.did })).resolves.toMatchObject({
      status: 'active',
      lastSeq: 4,
    });
  });
});

describe('a member DID from creation to deactivation (real Fabric)', () => {
  const key1 = newKey('EdDSA');
  const key2 = newKey('ES256');
  const did = key1.did;
  const kid1 = `${did}#key-1`;
  const kid2 = `${did}#key-2`;
  const v2Document = didDocument(did, [{ fragment: 'key-2', key: key2 }]);
  let v1Updated: string;
  let v2Updated: string;

  const resolve = (user = m.bClient, selector: Record<string, string> = {}): Promise<Resolution> =>
    user.query<Resolution>('dids:ResolveDid', { did, ...selector });

  it('creates the DID signed by the key it derives from', async () => {
    // Someone else's key cannot claim this identifier, nor can a signature for another channel create it.
    const impostor = newKey('EdDSA');
    expect(await m.bClient.refused('dids:CreateDid', createDidAs(channel, did, impostor))).toMatch(
      /^DID_NOT_SELF_CERTIFYING/,
    );
    expect(await m.bClient.refused('dids:CreateDid', createDid('otherchannel', key1))).toMatch(/^AUTH_SIGNATURE/);
    expect((await resolve()).didResolutionMetadata.error).toBe('notFound');

    const created = await m.bClient.submit<{ did: string; versionId: string; created: string }>(
      'dids:CreateDid',
      createDid(channel, key1),
    );
    expect(created).toMatchObject({ did, versionId: '1' });
    v1Updated = created.created;
    expect(await m.aClient.refused('dids:CreateDid', createDid(channel, key1))).toMatch(/^DID_EXISTS/);
    const onA = await resolve(m.aClient);
    expect(onA.didDocumentMetadata).toMatchObject({ versionId: '1', deactivated: false, created: v1Updated });
    expect(onA.didDocument?.verificationMethod.map((v) => v.id)).toEqual([kid1]);
  });

  it('updates to a new key with a signature by the current controller key', async () => {
    expect(await m.aClient.refused('dids:UpdateDid', updateDid(channel, did, '1', v2Document, key2, kid2))).toMatch(
      /^AUTH_SIGNATURE/,
    );
    expect(
      await m.aClient.refused('dids:UpdateDid', updateDid('otherchannel', did, '1', v2Document, key1, kid1)),
    ).toMatch(/^AUTH_SIGNATURE/);
    expect(await m.aClient.refused('dids:UpdateDid', updateDid(channel, did, '2', v2Document, key1, kid1))).toMatch(
      /^DID_STALE/,
    );
    const leakyJwk: Record<string, string> = { ...key2.jwk, d: 'c2VjcmV0' };
    const leaky = { ...key2, jwk: leakyJwk as unknown as ChainKey['jwk'] };
    const withPrivate = didDocument(did, [{ fragment: 'key-2', key: leaky }]);
    expect(await m.aClient.refused('dids:UpdateDid', updateDid(channel, did, '1', withPrivate, key1, kid1))).toMatch(
      /^INPUT_INVALID/,
    );

    const request = updateDid(channel, did, '1', v2Document, key1, kid1);
    const updated = await m.aClient.submit<{ versionId: string; updated: string }>('dids:UpdateDid', request);
    expect(updated.versionId).toBe('2');
    v2Updated = updated.updated;
    // The same signed operation again names version 1, which is no longer current.
    expect(await m.bClient.refused('dids:UpdateDid', request)).toMatch(/^DID_STALE/);
  });

  it('resolves both versions on both peers, with DID Resolution metadata', async () => {
    for (const user of [m.aClient, m.bClient]) {
      const v1 = await resolve(user, { versionId: '1' });
      expect(v1.didDocument?.verificationMethod.map((v) => v.id)).toEqual([kid1]);
      expect(v1.didDocumentMetadata).toMatchObject({
        versionId: '1',
        nextVersionId: '2',
        nextUpdate: v2Updated,
        created: v1Updated,
        deactivated: false,
      });
      const v2 = await resolve(user, { versionId: '2' });
      expect(v2.didDocument?.verificationMethod.map((v) => v.id)).toEqual([kid2]);
      expect(v2.didDocumentMetadata).toMatchObject({ versionId: '2', updated: v2Updated, created: v1Updated });
      expect(v2.didDocumentMetadata.nextVersionId).toBeUndefined();
      expect((await resolve(user, { versionTime: v1Updated })).didDocumentMetadata.versionId).toBe('1');
      expect((await resolve(user)).didDocumentMetadata.versionId).toBe('2');
      expect((await resolve(user, { versionId: '3' })).didResolutionMetadata.error).toBe('notFound');
    }
  });

  it('deactivates with the new key only, and then resolves as deactivated', async () => {
    expect(await m.aClient.refused('dids:DeactivateDid', deactivateDid(channel, did, '2', key1, kid1))).toMatch(
      /^AUTH_SIGNATURE/,
    );
    await expect(
      m.aClient.submit('dids:DeactivateDid', deactivateDid(channel, did, '2', key2, kid2)),
    ).resolves.toMatchObject({ did });
    for (const user of [m.aClient, m.bClient]) {
      const now = await resolve(user);
      expect(now.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '3' });
      expect(now.didDocument?.verificationMethod).toEqual([]);
      // History stays resolvable.
      expect((await resolve(user, { versionId: '2' })).didDocumentMetadata).toMatchObject({
        deactivated: false,
        nextVersionId: '3',
      });
    }
    expect(await m.bClient.refused('dids:UpdateDid', updateDid(channel, did, '3', v2Document, key2, kid2))).toMatch(
      /^DID_DEACTIVATED/,
    );
  });
});

describe('credential status anchored by an issuer DID (real Fabric)', () => {
  const issuer: ChainKey = newKey('ES256');
  const listId = `list-${uniqueSuffix()}`;
  const LIST_BYTES = 16_384; // 131,072 entries, the minimum the specification asks for

  it('anchors status list versions and answers revocation checks on the other mall’s peer', async () => {
    await m.aClient.submit('dids:CreateDid', createDid(channel, issuer, 'merchant'));
    const v1 = await m.aClient.submit<{ anchoredAt: string }>(
      'status:AnchorStatusList',
      anchorStatusList(channel, issuer, listId, 1, encodedStatusList(LIST_BYTES, [42])),
    );
    const check = (index: number, when?: string): Promise<{ status: string }> =>
      m.bClient.query('status:CheckCredentialStatus', { issuer: issuer.did, listId, index, at: when });
    // Mall B's peer commits a block a moment after Mall A's (the submit waited for A's): B is read until it has it.
    await eventually(async () => {
      expect(await check(42)).toMatchObject({ status: 'revoked' });
    }, 30_000);
    await expect(check(43)).resolves.toMatchObject({ status: 'valid' });

    const v2list = encodedStatusList(LIST_BYTES, [42, 43]);
    expect(
      await m.bClient.refused('status:AnchorStatusList', anchorStatusList(channel, issuer, listId, 2, v2list)),
    ).toMatch(/^AUTH_FORBIDDEN/);
    expect(
      await m.aClient.refused('status:AnchorStatusList', anchorStatusList(channel, issuer, listId, 3, v2list)),
    ).toMatch(/^STATUS_VERSION/);
    await sleep(20);
    await m.aClient.submit('status:AnchorStatusList', anchorStatusList(channel, issuer, listId, 2, v2list));
    await eventually(async () => {
      expect(await check(43)).toMatchObject({ status: 'revoked' });
    }, 30_000);
    await expect(check(43, v1.anchoredAt)).resolves.toMatchObject({ status: 'valid' });
    expect(
      await m.bClient.queryRefused('status:CheckCredentialStatus', { issuer: issuer.did, listId, index: 2 ** 20 }),
    ).toMatch(/^INPUT_INVALID: index/);
  });

  it('anchors a Merkle root of a credential batch and checks RFC 9162 inclusion proofs', async () => {
    const leaves = ['vc-1', 'vc-2', 'vc-3', 'vc-4', 'vc-5'].map((v) => Buffer.from(`${v} ${listId}`));
    const batchId = `batch-${uniqueSuffix()}`;
    const root = merkleRoot(leaves);
    await m.aClient.submit('status:AnchorCredentialBatch', anchorCredentialBatch(channel, issuer, batchId, root, 5));
    const verify = (leaf: Buffer, index: number, path: string[]): Promise<{ included: boolean }> =>
      m.bClient.query('status:VerifyInclusion', {
        issuer: issuer.did,
        batchId,
        leaf: leaf.toString('hex'),
        index,
        path,
      });
    for (const i of [0, 3, 4]) {
      await expect(verify(leaves[i]!, i, auditPath(leaves, i))).resolves.toMatchObject({ included: true });
    }
    await expect(verify(Buffer.from('forged'), 3, auditPath(leaves, 3))).resolves.toMatchObject({ included: false });
    await expect(verify(leaves[3]!, 2, auditPath(leaves, 3))).resolves.toMatchObject({ included: false });
    expect(
      await m.aClient.refused('status:AnchorCredentialBatch', anchorCredentialBatch(channel, issuer, batchId, root, 5)),
    ).toMatch(/^CONFLICT/);
  });
});
