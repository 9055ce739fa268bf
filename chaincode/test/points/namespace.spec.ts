/**
 * ID squatting, tried as a hostile mall would: Mall B registers IDs that carry Mall A's name,
 * claims Mall A's namespace, claims a namespace Mall A already uses, and races a registration
 * against Mall A's claim. Unclaimed namespaces and flat IDs stay first-come (no caller breaks).
 */
import { namespaceOf, ownNamespace, type NamespaceClaim } from '../../src/points/namespace';
import type { Program } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, B, type PointsWorld, pointsWorld } from '../support/points-fixture';

const terms = { name: 'n', unitValueFen: 1, expiryMonths: 12, returnWindowDays: 0 };
const program = (programId: string): object => ({ programId, ...terms });
const merchant = (merchantId: string, programId: string): object => ({
  merchantId,
  name: 'm',
  category: 'food',
  programId,
});

async function refusedUnchanged(w: PointsWorld, call: Promise<unknown>, message: string | RegExp): Promise<void> {
  const before = w.ledger.dump();
  await expect(call).rejects.toThrow(message);
  expect(w.ledger.dump()).toEqual(before);
}

describe('points: ID namespaces', () => {
  it('reads the namespace of an ID and a mall’s own namespace', () => {
    expect(namespaceOf('mallA-points')).toBe('malla');
    expect(namespaceOf('MALLA.cinema/3')).toBe('malla');
    expect(namespaceOf('store_0101')).toBe('store');
    expect(namespaceOf('P2')).toBeUndefined();
    expect(ownNamespace('MallAMSP')).toBe('malla');
    expect(ownNamespace('Org1MSP')).toBe('org1');
    expect(ownNamespace('mall-c.msp')).toBe('mallc');
  });

  it('keeps unclaimed namespaces and flat IDs first-come, as before', async () => {
    const w = await pointsWorld();
    await w.call('RegisterProgram', program('shops-points'), IDS.mallBAdmin);
    await w.call('RegisterProgram', program('FLAT1'), IDS.mallBAdmin);
    await expect(w.call('RegisterProgram', program('FLAT1'))).rejects.toThrow('CONFLICT: program FLAT1 already exists');
  });

  it('refuses another mall’s program or merchant in a claimed namespace, in any letter case; nothing stored', async () => {
    const w = await pointsWorld();
    const claim = await w.call<NamespaceClaim>('ClaimNamespace', { namespace: 'MallA' });
    expect(claim.result).toMatchObject({ namespace: 'malla', mall: 'MallAMSP' });
    await w.call('RegisterProgram', program('mallA-points'));
    await refusedUnchanged(
      w,
      w.call('RegisterProgram', program('MALLA-points2'), IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: programId MALLA-points2 lies in the namespace malla, held by MallAMSP',
    );
    await refusedUnchanged(
      w,
      w.call('RegisterMerchant', merchant('malla.food-court', B), IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: merchantId malla.food-court lies in the namespace malla, held by MallAMSP',
    );
    // The holder registers in it; Mall B keeps its own IDs elsewhere.
    await w.call('RegisterMerchant', merchant('mallA/cinema', 'mallA-points'));
    await w.call('RegisterMerchant', merchant('b-cinema', B), IDS.mallBAdmin);
    const got = await w.call('GetNamespace', { namespace: 'MALLA' }, IDS.mallBClient);
    expect(got.result).toMatchObject({ namespace: 'malla', mall: 'MallAMSP' });
    expect((await w.call('GetNamespace', { namespace: 'mallb' }, IDS.mallBClient)).result).toBeNull();
  });

  it('refuses a claim of a namespace another mall holds, or already uses for its programs or merchants', async () => {
    const w = await pointsWorld();
    await w.call('ClaimNamespace', { namespace: 'malla' });
    await refusedUnchanged(
      w,
      w.call('ClaimNamespace', { namespace: 'malla' }, IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: the namespace malla is held by MallAMSP',
    );
    // Mall A runs merchants named shops-…: Mall B may not fence it out of its own names.
    await w.call('RegisterMerchant', merchant('shops-1', A));
    await refusedUnchanged(
      w,
      w.call('ClaimNamespace', { namespace: 'shops' }, IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: MallAMSP already uses the namespace shops (merchant shops-1)',
    );
    await w.call('RegisterProgram', program('deals-points'));
    await refusedUnchanged(
      w,
      w.call('ClaimNamespace', { namespace: 'deals' }, IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: MallAMSP already uses the namespace deals (program deals-points)',
    );
    // Mall A may claim what only it uses; a repeated claim answers the claim and writes nothing.
    const first = await w.call<NamespaceClaim>('ClaimNamespace', { namespace: 'shops' });
    const before = w.ledger.dump();
    const again = await w.call<NamespaceClaim>('ClaimNamespace', { namespace: 'shops' });
    expect(again.result).toEqual(first.result);
    expect(w.ledger.dump()).toEqual(before);
  });

  it('lets a mall take back its own namespace from a squatter, whose existing IDs stay but who adds none', async () => {
    const w = await pointsWorld();
    await w.call('ClaimNamespace', { namespace: 'malla' }, IDS.mallBAdmin);
    await w.call('RegisterProgram', program('mallA-rewards'), IDS.mallBAdmin);
    await refusedUnchanged(
      w,
      w.call('RegisterProgram', program('mallA-points')),
      'POINTS_NAMESPACE_HELD: programId mallA-points lies in the namespace malla, held by MallBMSP',
    );
    const taken = await w.call<NamespaceClaim>('ClaimNamespace', { namespace: 'malla' });
    expect(taken.result).toMatchObject({ namespace: 'malla', mall: 'MallAMSP', takenFrom: 'MallBMSP' });
    await w.call('RegisterProgram', program('mallA-points'));
    await refusedUnchanged(
      w,
      w.call('RegisterProgram', program('mallA-rewards2'), IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: programId mallA-rewards2 lies in the namespace malla, held by MallAMSP',
    );
    // No overwrite either way: the squatter's program stays his, and stays his to change.
    const rewards = await w.call<Program>('GetProgram', { programId: 'mallA-rewards' }, IDS.mallAClient);
    expect(rewards.result.issuer).toBe('MallBMSP');
    await expect(w.call('UpdateProgram', { programId: 'mallA-rewards', name: 'mine' })).rejects.toThrow(
      'AUTH_FORBIDDEN',
    );
    // Mall B cannot take it back: malla is not its own namespace.
    await refusedUnchanged(
      w,
      w.call('ClaimNamespace', { namespace: 'malla' }, IDS.mallBAdmin),
      'POINTS_NAMESPACE_HELD: the namespace malla is held by MallAMSP',
    );
  });

  it('fails a registration endorsed before a claim and committed after it (MVCC on the claim key)', async () => {
    const w = await pointsWorld();
    const held = await w.ledger.endorse(
      w.contract,
      'RegisterProgram',
      [JSON.stringify(program('malla-fake'))],
      IDS.mallBAdmin,
    );
    await w.call('ClaimNamespace', { namespace: 'malla' });
    expect(held.commit()).toBe('MVCC_READ_CONFLICT');
    await expect(w.call('GetProgram', { programId: 'malla-fake' }, IDS.mallAClient)).rejects.toThrow('NOT_FOUND');
  });

  it('fails a claim endorsed before another mall’s registration in the namespace committed (phantom read)', async () => {
    const w = await pointsWorld();
    const held = await w.ledger.endorse(
      w.contract,
      'ClaimNamespace',
      [JSON.stringify({ namespace: 'deals' })],
      IDS.mallBAdmin,
    );
    await w.call('RegisterMerchant', merchant('deals-1', A));
    expect(held.commit()).toBe('PHANTOM_READ_CONFLICT');
    expect((await w.call('GetNamespace', { namespace: 'deals' }, IDS.mallAClient)).result).toBeNull();
  });

  it.each([
    [{ namespace: 'a' }, 'INPUT_INVALID: namespace'],
    [{ namespace: 'mall-a' }, 'INPUT_INVALID: namespace: may contain only letters and digits'],
    [{ namespace: 'x'.repeat(41) }, 'INPUT_INVALID: namespace'],
    [{}, 'INPUT_INVALID: namespace: must be a string'],
  ])('refuses the claim %j: %s, nothing stored', async (request, message) => {
    const w = await pointsWorld();
    await refusedUnchanged(w, w.call('ClaimNamespace', request), message);
  });
});
