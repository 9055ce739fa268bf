/**
 * A member's consent names the channel and the chaincode it is for: a second deployment on
 * the same channel (a test or v2 chaincode, with its own nonces) must not accept it.
 */
import { CHAINCODE_NAME } from '../../src/dids/did.operation';
import { IDS } from '../support/fake-stub';
import {
  A,
  AFTER_RETURN_WINDOW,
  B,
  PointsWorld,
  pointsWorld,
  signedExchange,
  signedRedeem,
  signedTransfer,
} from '../support/points-fixture';

async function world(): Promise<PointsWorld> {
  const w = await pointsWorld();
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 1_000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
  await w.call(
    'ApproveRate',
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
    IDS.mallBAdmin,
  );
  return w;
}

type Build = (w: PointsWorld, chaincode: string | null) => [string, Record<string, unknown>];

const spends: [string, Build][] = [
  [
    'Redeem',
    (w, chaincode) => [
      'Redeem',
      signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'c1', programId: A, amount: 10 }, { chaincode }),
    ],
  ],
  [
    'Transfer',
    (w, chaincode) => [
      'Transfer',
      signedTransfer(w, w.alice, { to: w.bob.did, programId: A, amount: 10 }, { chaincode }),
    ],
  ],
  [
    'Exchange',
    (w, chaincode) => [
      'Exchange',
      signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 10, receive: 5 }, { chaincode }),
    ],
  ],
];

describe('consents bind the chaincode name', () => {
  it.each(spends)('%s refuses a consent signed for another chaincode on the same channel', async (_, build) => {
    const w = await world();
    const before = w.ledger.dump();
    const [fn, request] = build(w, `${CHAINCODE_NAME}-v2`);
    await expect(w.call(fn, request, IDS.mallBClient)).rejects.toThrow(/^AUTH_SIGNATURE: /);
    // A consent that names no chaincode (valid for every deployment on the channel) is refused too.
    const [, unbound] = build(w, null);
    await expect(w.call(fn, unbound, IDS.mallBClient)).rejects.toThrow(/^AUTH_SIGNATURE: /);
    expect(w.ledger.dump()).toEqual(before);
    // The same terms signed for this chaincode are accepted.
    const [, ok] = build(w, CHAINCODE_NAME);
    await expect(w.call(fn, ok, IDS.mallBClient)).resolves.toBeDefined();
  });
});
