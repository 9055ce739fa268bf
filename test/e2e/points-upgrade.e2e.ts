/**
 * Data written by the old chaincode reads the same after an upgrade to this one (issue 13, lean
 * accrual path). The chaincode as it was before the lean path (`BEFORE_LEAN_PATH`, a fixed commit of
 * this repository's history, so the test means the same on every clone) is deployed as a second chaincode name on the running
 * network (test/support/side-chaincode.ts) and earns, reverses and answers; then that same name
 * is upgraded to this working tree's build (a new sequence, new servers, same state) and must
 * answer the same, treat the old receipts as duplicates with their old lots, and reverse a lot
 * the old code wrote.
 */
import { Contract } from '@hyperledger/fabric-gateway';
import { stderrProgress } from '../../fabric-network/src';
import { ChainKey, newKey, uniqueSuffix } from '../support/chain-keys';
import { MALL_A } from '../support/chain-call';
import { createDid } from '../support/chain-requests';
import { Connection, connectAs, connectAsClient, loadDescription } from '../support/gateway';
import { Baseline, deploySideChaincode } from '../support/side-chaincode';

const NAME = 'mallchainupg';
/** main before the lean accrual path landed (WRITE_BATCH_STATE / GET_STATE_MULTIPLE). */
const BEFORE_LEAN_PATH = '22c602f4bf0a484f180a27ae9eb0e87faa66bee3';
const decoder = new TextDecoder();

describe('points data across an upgrade from the pre-lean chaincode to this one (real Fabric)', () => {
  let admin: Connection;
  let client: Connection;
  let side: Baseline | undefined;
  const s = uniqueSuffix();
  const programId = `upg-${s}`;
  const keys: ChainKey[] = [newKey('ES256'), newKey('ES256')];
  const [alice, bob] = keys.map((k) => k.did) as [string, string];

  const contract = (c: Connection, name: string): Contract =>
    c.gateway.getNetwork(loadDescription().channel).getContract(NAME, name);
  const submit = async (name: string, fn: string, request: unknown, as: Connection = client): Promise<unknown> =>
    JSON.parse(decoder.decode(await contract(as, name).submitTransaction(fn, JSON.stringify(request)))) as unknown;
  const evaluate = async (fn: string, request: unknown): Promise<unknown> =>
    JSON.parse(
      decoder.decode(await contract(client, 'points').evaluateTransaction(fn, JSON.stringify(request))),
    ) as unknown;
  const log = stderrProgress('upgrade e2e');

  beforeAll(() => {
    const d = loadDescription();
    admin = connectAs(d, MALL_A, 'admin');
    client = connectAsClient(d, MALL_A);
  });

  afterAll(async () => {
    admin.close();
    client.close();
    await side?.stop();
  });

  it('reads balances, lots, history and receipts the old chaincode wrote, and keeps them idempotent', async () => {
    side = await deploySideChaincode({ revision: BEFORE_LEAN_PATH }, log, NAME);
    const d = loadDescription();
    await submit(
      'points',
      'RegisterProgram',
      { programId, name: 'Upgrade program', unitValueFen: 5, expiryMonths: 12, returnWindowDays: 0 },
      admin,
    );
    for (const k of keys) await submit('dids', 'CreateDid', createDid(d.channel, k));
    const items = [
      { member: alice, amount: 30, sourceRef: `r1-${s}` },
      { member: bob, amount: 20, sourceRef: `r2-${s}` },
      { member: alice, amount: 7, sourceRef: `r3-${s}` },
    ];
    const before = (await submit('points', 'AccrueBatch', { programId, items })) as {
      results: { lotId: string; status: string }[];
    };
    expect(before.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    await submit('points', 'Reverse', { programId, sourceRef: `r3-${s}`, reversalRef: `v1-${s}`, amount: 2 });
    const reads = async (): Promise<unknown[]> => [
      await evaluate('GetBalance', { member: alice, programId }),
      await evaluate('GetBalance', { member: bob, programId }),
      await evaluate('GetLots', { member: alice, programId, includeEmpty: true }),
      await evaluate('GetHistory', { member: alice }),
      await evaluate('GetAccrual', { programId, sourceRef: `r1-${s}` }),
    ];
    const oldReads = await reads();
    expect(oldReads[0]).toMatchObject({ member: alice, balances: [{ programId, available: 35 }] });

    const upgraded = await deploySideChaincode({ workingTree: true }, log, NAME);
    side = upgraded;
    expect(upgraded.revision).toBe('working tree');
    // The new code answers exactly what the old one did over the old data.
    expect(await reads()).toEqual(oldReads);
    // Old receipts are duplicates with their old lots; a new one is credited.
    const again = (await submit('points', 'AccrueBatch', {
      programId,
      items: [...items.slice(0, 2), { member: bob, amount: 1, sourceRef: `r4-${s}` }],
    })) as { results: { lotId: string; status: string }[] };
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'accepted']);
    expect(again.results.slice(0, 2).map((r) => r.lotId)).toEqual(before.results.slice(0, 2).map((r) => r.lotId));
    // A lot the old code wrote is reversed by the new code, to the point.
    await submit('points', 'Reverse', { programId, sourceRef: `r1-${s}`, reversalRef: `v2-${s}`, amount: 10 });
    expect(await evaluate('GetBalance', { member: alice, programId })).toMatchObject({
      balances: [{ programId, available: 25 }],
    });
    expect(await evaluate('GetBalance', { member: bob, programId })).toMatchObject({
      balances: [{ programId, available: 21 }],
    });
  }, 600_000);
});
