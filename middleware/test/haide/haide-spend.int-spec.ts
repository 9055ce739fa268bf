/**
 * Bad input on `/haide/v1/points/redeem` and `/points/adjust` (real Postgres, HTTP through inject): every refusal
 * is the documented status with a message naming the field, and no intake item is stored. The chaincode's own
 * verdicts (forged, replayed, expired consents on the ledger; balances) are in test/e2e/wallet-redeem.e2e.ts.
 */
import { Wallet, emptyWallet } from '@mallchain/wallet';
import { encodeCompactConsent } from '@mallchain/wire';
import { AppConfig } from '../../src/config/app-config';
import { type Answer, type HaideHarness, startHaide } from './haide-support';

describe('Haide points/redeem and points/adjust: bad input refused, nothing stored', () => {
  let h: HaideHarness;
  let channel: string;
  const wallet = new Wallet(emptyWallet());
  let did: string;

  beforeAll(async () => {
    h = await startHaide();
    channel = h.t.app.get(AppConfig).ledger.channel;
    did = wallet.createDid(channel, 'EdDSA').document.id;
    const member = { did, cardNos: ['W0001'] };
    const res = await h.t.app.inject({
      method: 'POST',
      url: '/v1/points/members',
      headers: { 'x-api-key': h.writer },
      payload: member,
    });
    expect(res.statusCode).toBe(201);
  });
  afterAll(() => h.t.close());

  const consent = (over: Partial<{ merchant: string; amount: number; deadline: string }> = {}, ch = channel): string =>
    encodeCompactConsent(
      wallet.consentRedeem(ch, did, { merchant: 'store-0101', programId: 'mallB-points', amount: 10, ...over }),
    );

  async function expectRefused(path: string, body: unknown, status: number, message: string): Promise<void> {
    const before = await h.count('intake_items');
    const res = await h.post(path, body);
    expect(res.statusCode).toBe(status);
    const a = res.json<Answer>();
    expect(a).toMatchObject({ success: false, statusCode: String(status), data: null });
    expect(a.message).toContain(message);
    expect(await h.count('intake_items')).toBe(before);
  }

  const redeem = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    posNo: 'P001',
    flowNo: 'R1',
    cardNo: 'W0001',
    points: 10,
    ...over,
  });
  const adjust = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    adjustNo: 'A1',
    cardNo: 'W0001',
    points: -10,
    reasonCode: 'WRONG_RECEIPT',
    ...over,
  });

  it.each([
    ['redeem', 'points/redeem', redeem],
    ['adjust', 'points/adjust', adjust],
  ])('%s: a forged sign, a stale timestamp and a reused nonce are 401', async (_n, path, data) => {
    const good = h.envelope(data());
    await expectRefused(path, { ...good, sign: 'ab'.repeat(32) }, 401, 'sign does not match');
    await expectRefused(path, h.envelope(data(), { timestamp: Date.now() - 5 * 60_000 - 1000 }), 401, 's old');
    const once = h.envelope(data({ cardNo: 'NOPE' }));
    await expectRefused(path, once, 400, 'no member has this card');
    await expectRefused(path, once, 401, 'already used');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown field', { extra: 1 }, 'data.extra: property should not exist'],
    ['zero points', { points: 0 }, 'data.points must be an integer from 1'],
    ['fractional points', { points: 1.5 }, 'data.points must be an integer'],
    ['too many points', { points: 10_000_001 }, 'data.points must be an integer'],
    ['a bad posNo', { posNo: 'P 1' }, 'data.posNo must be'],
    ['no flowNo', { flowNo: undefined }, 'data.flowNo must be'],
    ['a cardNo past 64', { cardNo: 'C'.repeat(65) }, 'data.cardNo must be'],
    ['an unknown till', { posNo: 'P999' }, 'unknown till of MALL-A'],
    ['an unknown card', { cardNo: 'C404' }, 'no member has this card'],
    ['a consent that is no string', { consent: { kid: 'x' } }, 'data.consent must be the wallet string'],
    ['a consent without prefix', { consent: 'abc' }, 'consent must start with mcc1.'],
    ['a consent that is not JSON', { consent: 'mcc1.AAAA' }, 'consent does not decode to JSON'],
    ['a consent past 2048 characters', { consent: `mcc1.${'A'.repeat(2100)}` }, 'at most 2048'],
  ])('redeem: %s is 400', async (_n, over, message) => {
    await expectRefused('points/redeem', h.envelope(redeem(over)), 400, message);
  });

  it('redeem: a consent for other terms (amount, merchant, channel, member) or past its deadline is refused', async () => {
    await expectRefused(
      'points/redeem',
      h.envelope(redeem({ consent: consent({ amount: 11 }) })),
      400,
      'consent.amount',
    );
    await expectRefused(
      'points/redeem',
      h.envelope(redeem({ consent: consent({ merchant: 'b-park' }) })),
      400,
      'consent.merchant is not store-0101',
    );
    await expectRefused('points/redeem', h.envelope(redeem({ consent: consent({}, 'otherchannel') })), 400, 'channel');
    const transfer = encodeCompactConsent(
      wallet.consentTransfer(channel, did, { to: did, programId: 'p', amount: 10 }),
    );
    await expectRefused('points/redeem', h.envelope(redeem({ consent: transfer })), 400, 'not a redeem consent');
    const other = new Wallet(emptyWallet());
    const otherDid = other.createDid(channel, 'ES256').document.id;
    const notTheCard = encodeCompactConsent(
      other.consentRedeem(channel, otherDid, { merchant: 'store-0101', programId: 'p', amount: 10 }),
    );
    await expectRefused(
      'points/redeem',
      h.envelope(redeem({ consent: notTheCard })),
      400,
      'not the DID of data.cardNo',
    );
    const late = consent({ deadline: new Date(Date.now() - 1000).toISOString() });
    await expectRefused('points/redeem', h.envelope(redeem({ consent: late })), 400, 'POINTS_CONSENT_EXPIRED');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['zero points', { points: 0 }, 'data.points must be a non-zero integer'],
    ['too many points', { points: -10_000_001 }, 'data.points must be a non-zero integer'],
    ['a bad reason code', { reasonCode: 'no spaces' }, 'data.reasonCode'],
    ['a reason code past 32', { reasonCode: 'R'.repeat(33) }, 'data.reasonCode'],
    ['a memo past 200', { memo: 'm'.repeat(201) }, 'data.memo'],
    ['no adjustNo', { adjustNo: undefined }, 'data.adjustNo must be'],
    ['an unknown field', { posNo: 'P001' }, 'data.posNo: property should not exist'],
    ['an unknown card', { cardNo: 'C404' }, 'no member has this card'],
  ])('adjust: %s is 400', async (_n, over, message) => {
    await expectRefused('points/adjust', h.envelope(adjust(over)), 400, message);
  });

  it('an oversize body is 413 and stores nothing', async () => {
    const big = h.envelope(redeem({ consent: 'x'.repeat(70_000) }));
    const before = await h.count('intake_items');
    const res = await h.post('points/redeem', big);
    expect(res.statusCode).toBe(413);
    expect(await h.count('intake_items')).toBe(before);
  });
});
