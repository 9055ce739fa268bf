import { DidContract } from '../../src/dids/did.contract';
import { sha256Hex } from '../../src/common/signature';
import { inclusionProof, merkleRoot } from '../../src/status/merkle';
import { StatusContract } from '../../src/status/status.contract';
import { IDS, Identity, Ledger } from '../support/fake-stub';
import { TestKey, createRequest, deactivateRequest, newKey } from '../support/dids-keys';
import { anchorBatchRequest, anchorListRequest, listWith } from '../support/dids-status';

interface StatusAnswer {
  status: string;
  bit: number | null;
  statusList: { version: number; purpose: string; encodedList?: string };
}

describe('status contract', () => {
  const dids = new DidContract();
  const contract = new StatusContract();
  let ledger: Ledger;
  let mall: TestKey;

  beforeEach(async () => {
    ledger = new Ledger();
    mall = newKey();
    await ledger.invoke(dids, 'CreateDid', [createRequest(mall, 'mall')], IDS.mallAAdmin);
  });

  function listBody(
    version: number,
    encodedList: string,
    purpose = 'revocation',
  ): Parameters<typeof anchorListRequest>[1] {
    return {
      listId: 'https://mall-a.example.com/status/1',
      purpose,
      version,
      digest: sha256Hex(encodedList),
      encodedList,
    };
  }

  async function check(index: number, at?: string, who: Identity = IDS.mallBClient): Promise<StatusAnswer> {
    const arg = JSON.stringify({ issuer: mall.did, listId: 'https://mall-a.example.com/status/1', index, at });
    return (await ledger.invoke<StatusAnswer>(contract, 'CheckCredentialStatus', [arg], who)).result;
  }

  it('answers revoked-or-not at a given time from the history of list versions', async () => {
    await ledger.invoke(
      contract,
      'AnchorStatusList',
      [anchorListRequest(mall, listBody(1, listWith(3)))],
      IDS.mallAClient,
    );
    ledger.advance(3_600_000);
    await ledger.invoke(
      contract,
      'AnchorStatusList',
      [anchorListRequest(mall, listBody(2, listWith(3, 42)))],
      IDS.mallAAdmin,
    );
    expect(await check(42)).toMatchObject({ status: 'revoked', bit: 1, statusList: { version: 2 } });
    expect(await check(42, '2026-03-01T02:30:00Z')).toMatchObject({
      status: 'valid',
      bit: 0,
      statusList: { version: 1 },
    });
    expect(await check(3, '2026-03-01T02:00:00Z')).toMatchObject({ status: 'revoked' });
    expect((await check(3)).statusList.encodedList).toBeUndefined();
    await expect(check(3, '2026-03-01T01:59:59Z')).rejects.toThrow('NOT_FOUND: status list version');
    await expect(check(131_072)).rejects.toThrow('INPUT_INVALID: index: must be below the list length 131072');
    const v1 = await ledger.invoke<{ encodedList: string }>(
      contract,
      'GetStatusList',
      [JSON.stringify({ issuer: mall.did, listId: 'https://mall-a.example.com/status/1', version: 1 })],
      IDS.unknown,
    );
    expect(v1.result.encodedList).toBe(listWith(3));
  });

  it('anchors a digest-only suspension list and answers unknown for its bits', async () => {
    const body = { ...listBody(1, listWith(1), 'suspension'), encodedList: undefined };
    await ledger.invoke(contract, 'AnchorStatusList', [anchorListRequest(mall, body)], IDS.mallAClient);
    expect(await check(1)).toMatchObject({ status: 'unknown', bit: null, statusList: { purpose: 'suspension' } });
    ledger.advance(1000);
    await ledger.invoke(
      contract,
      'AnchorStatusList',
      [anchorListRequest(mall, listBody(2, listWith(1), 'suspension'))],
      IDS.mallAClient,
    );
    expect(await check(1)).toMatchObject({ status: 'suspended', bit: 1 });
  });

  it('refuses a stale or skipped version, a changed purpose, a forged or foreign-channel signature; writes nothing', async () => {
    await ledger.invoke(
      contract,
      'AnchorStatusList',
      [anchorListRequest(mall, listBody(1, listWith()))],
      IDS.mallAClient,
    );
    const before = ledger.dump();
    const other = newKey();
    type Signed = { proof: { signature: string } };
    const forged = JSON.parse(anchorListRequest(mall, listBody(2, listWith(5)))) as Signed;
    forged.proof.signature = (JSON.parse(anchorListRequest(other, listBody(2, listWith(5)))) as Signed).proof.signature;
    const cases: [string, string][] = [
      [
        anchorListRequest(mall, listBody(1, listWith(9))),
        'STATUS_VERSION: https://mall-a.example.com/status/1 expects version 2, got 1',
      ],
      [anchorListRequest(mall, listBody(3, listWith(9))), 'STATUS_VERSION'],
      [anchorListRequest(mall, listBody(2, listWith(9), 'suspension')), 'STATUS_PURPOSE'],
      [JSON.stringify(forged), 'AUTH_SIGNATURE'],
      [anchorListRequest(mall, listBody(2, listWith(9)), { channel: 'elsewhere' }), 'AUTH_SIGNATURE'],
      [
        anchorListRequest(mall, { ...listBody(2, listWith(9)), digest: sha256Hex('x') }),
        'digest: does not match encodedList',
      ],
      [anchorListRequest(other, listBody(1, listWith())), `NOT_FOUND: DID ${other.did}`],
    ];
    for (const [arg, message] of cases) {
      await expect(ledger.invoke(contract, 'AnchorStatusList', [arg], IDS.mallAClient)).rejects.toThrow(message);
    }
    expect(ledger.dump()).toEqual(before);
  });

  it('refuses an issuer whose DID is deactivated', async () => {
    ledger.advance(1);
    await ledger.invoke(dids, 'DeactivateDid', [deactivateRequest(mall.did, '1', mall)], IDS.mallAAdmin);
    await expect(
      ledger.invoke(contract, 'AnchorStatusList', [anchorListRequest(mall, listBody(1, listWith()))], IDS.mallAClient),
    ).rejects.toThrow('AUTH_SIGNATURE');
  });

  it('anchors a credential batch root and verifies inclusion proofs against it', async () => {
    const credentials = Array.from({ length: 7 }, (_, i) => Buffer.from(sha256Hex(`credential ${i}`), 'hex'));
    const root = merkleRoot(credentials);
    await ledger.invoke(
      contract,
      'AnchorCredentialBatch',
      [anchorBatchRequest(mall, { batchId: 'b-2026-03', root, size: 7 })],
      IDS.mallAClient,
    );
    const verify = async (leaf: Buffer, index: number, path: string[]): Promise<boolean> => {
      const arg = JSON.stringify({ issuer: mall.did, batchId: 'b-2026-03', leaf: leaf.toString('hex'), index, path });
      return (await ledger.invoke<{ included: boolean }>(contract, 'VerifyInclusion', [arg], IDS.mallBClient)).result
        .included;
    };
    for (let i = 0; i < 7; i++) expect(await verify(credentials[i]!, i, inclusionProof(credentials, i))).toBe(true);
    expect(await verify(Buffer.from('forged'), 2, inclusionProof(credentials, 2))).toBe(false);
    expect(await verify(credentials[2]!, 3, inclusionProof(credentials, 2))).toBe(false);
    const before = ledger.dump();
    await expect(
      ledger.invoke(
        contract,
        'AnchorCredentialBatch',
        [anchorBatchRequest(mall, { batchId: 'b-2026-03', root, size: 8 })],
        IDS.mallAClient,
      ),
    ).rejects.toThrow('CONFLICT: batch b-2026-03');
    await expect(
      ledger.invoke(
        contract,
        'AnchorCredentialBatch',
        [anchorBatchRequest(mall, { batchId: 'b2', root, size: 7 }, { channel: 'x' })],
        IDS.mallAClient,
      ),
    ).rejects.toThrow('AUTH_SIGNATURE');
    expect(ledger.dump()).toEqual(before);
  });

  describe('bad input', () => {
    const good = (): Record<string, unknown> =>
      JSON.parse(anchorListRequest(mall, listBody(1, listWith()))) as Record<string, unknown>;
    const listCases: [string, (r: Record<string, unknown>) => void, string][] = [
      ['a non-DID issuer', (r) => (r.issuer = 'mall-a'), 'issuer: must be did:mallchain:'],
      ['a listId with a space', (r) => (r.listId = 'a b'), 'listId: may contain only'],
      ['an unknown purpose', (r) => (r.purpose = 'refresh'), 'purpose: must be one of revocation, suspension'],
      ['version 0', (r) => (r.version = 0), 'version: must be at least 1'],
      [
        'neither list nor digest',
        (r) => {
          delete r.encodedList;
          delete r.digest;
        },
        'give encodedList or digest',
      ],
      [
        'a bad digest',
        (r) => {
          delete r.encodedList;
          r.digest = 'xyz';
        },
        'digest: must have at least 64',
      ],
      [
        'a list that is not gzip',
        (r) => {
          r.encodedList = 'uAAAA';
          delete r.digest;
        },
        'encodedList: is not a GZIP',
      ],
      ['no proof', (r) => delete r.proof, 'proof: must be a JSON object'],
    ];
    it.each(listCases)('AnchorStatusList with %s', async (_label, mutate, message) => {
      const before = ledger.dump();
      const r = good();
      mutate(r);
      await expect(ledger.invoke(contract, 'AnchorStatusList', [JSON.stringify(r)], IDS.mallAClient)).rejects.toThrow(
        message,
      );
      expect(ledger.dump()).toEqual(before);
    });

    it('AnchorCredentialBatch, CheckCredentialStatus, VerifyInclusion and GetStatusList with bad requests', async () => {
      const before = ledger.dump();
      const root = merkleRoot([Buffer.from('a')]);
      const cases: [string, string, string][] = [
        ['AnchorCredentialBatch', 'x', 'request: is not valid JSON'],
        [
          'AnchorCredentialBatch',
          anchorBatchRequest(mall, { batchId: 'b1', root: 'ABC', size: 1 }),
          'root: must have at least 64',
        ],
        [
          'AnchorCredentialBatch',
          anchorBatchRequest(mall, { batchId: 'b1', root, size: 0 }),
          'size: must be at least 1',
        ],
        [
          'CheckCredentialStatus',
          JSON.stringify({ issuer: mall.did, listId: 'l', index: -1 }),
          'index: must be at least 0',
        ],
        [
          'CheckCredentialStatus',
          JSON.stringify({ issuer: mall.did, listId: 'l', index: 1, at: 'now' }),
          'at: must be an ISO-8601',
        ],
        [
          'CheckCredentialStatus',
          JSON.stringify({ issuer: mall.did, listId: 'l', index: 1 }),
          'NOT_FOUND: status list l of',
        ],
        [
          'VerifyInclusion',
          JSON.stringify({ issuer: mall.did, batchId: 'b', leaf: 'xyz', index: 0, path: [] }),
          'leaf: must be lowercase hex',
        ],
        [
          'VerifyInclusion',
          JSON.stringify({ issuer: mall.did, batchId: 'b', leaf: 'ab', index: 0, path: ['zz'] }),
          'path[0]: must have at least 64',
        ],
        [
          'VerifyInclusion',
          JSON.stringify({ issuer: mall.did, batchId: 'b', leaf: 'ab', index: 0, path: 'x' }),
          'path: must be an array',
        ],
        [
          'VerifyInclusion',
          JSON.stringify({ issuer: mall.did, batchId: 'b', leaf: 'ab', index: 0, path: [] }),
          'NOT_FOUND: credential batch',
        ],
        ['GetStatusList', JSON.stringify({ issuer: mall.did }), 'listId: must be a string'],
        ['GetStatusList', JSON.stringify({ issuer: mall.did, listId: 'l' }), 'NOT_FOUND: status list'],
      ];
      for (const [fn, arg, message] of cases) {
        await expect(ledger.invoke(contract, fn, [arg], IDS.mallAClient)).rejects.toThrow(message);
      }
      expect(ledger.dump()).toEqual(before);
    });
  });

  describe('authorization matrix', () => {
    const everyone = Object.entries(IDS) as [string, Identity][];

    it.each([
      [
        'AnchorStatusList',
        (k: TestKey) =>
          anchorListRequest(k, { listId: 'l1', purpose: 'revocation', version: 1, digest: sha256Hex('l') }),
      ],
      [
        'AnchorCredentialBatch',
        (k: TestKey) => anchorBatchRequest(k, { batchId: 'b1', root: sha256Hex('r'), size: 3 }),
      ],
    ] as const)(
      '%s: a mall issuer only through its own organisation; a member issuer through any mall',
      async (fn, build) => {
        for (const [name, who] of everyone) {
          for (const role of ['mall', 'member']) {
            const fresh = new Ledger();
            const issuer = newKey();
            await fresh.invoke(dids, 'CreateDid', [createRequest(issuer, role)], IDS.mallAAdmin);
            const before = fresh.dump();
            const attempt = fresh.invoke(contract, fn, [build(issuer)], who);
            const allowed =
              role === 'mall'
                ? ['mallAAdmin', 'mallAClient']
                : ['mallAAdmin', 'mallAClient', 'mallBAdmin', 'mallBClient'];
            if (allowed.includes(name)) {
              await expect(attempt).resolves.toMatchObject({ result: { issuer: issuer.did } });
              expect(fresh.dump()).not.toEqual(before);
            } else {
              await expect(attempt).rejects.toThrow(/AUTH_(ROLE|FORBIDDEN)/);
              expect(fresh.dump()).toEqual(before);
            }
          }
        }
      },
    );

    it('queries answer every identity the same', async () => {
      await ledger.invoke(
        contract,
        'AnchorStatusList',
        [anchorListRequest(mall, listBody(1, listWith(7)))],
        IDS.mallAClient,
      );
      const answers = await Promise.all(everyone.map(([, who]) => check(7, undefined, who)));
      for (const a of answers) expect(a).toEqual(answers[0]);
    });
  });
});
