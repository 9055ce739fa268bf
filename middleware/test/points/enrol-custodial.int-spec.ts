/**
 * POST /v1/points/members without a DID (real Postgres, HTTP through inject): the mall creates the member's
 * custodial did:mallchain itself, in the enrolment's transaction — sealed key, CreateDid in the intake — so a
 * refused enrolment (a card already enrolled, bad input) leaves neither a member nor a DID behind.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { MetricsService } from '../../src/metrics/metrics.service';
import { CUSTODIAL_CREATE_KIND } from '../../src/points/custodial-dids.service';
import { type HaideHarness, sale, startHaide } from '../haide/haide-support';
import { startTestApp, type TestApp } from '../support/test-app';

const CUSTODIAL = /^did:mallchain:[A-Za-z0-9_-]{43}$/;

interface Enrolled {
  memberId: string;
  did: string;
  cards: { cardNo: string; status: string }[];
  custodialDid?: { did: string; status: string; trackingId: string };
}

describe('enrolment creates the custodial DID when the member has no wallet DID', () => {
  let t: TestApp;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp({ MEMBER_DATA_KEY: randomBytes(32).toString('base64'), WORKERS_ENABLED: 'false' });
    writer = await t.key(['points:write']);
    reader = await t.key(['points:read']);
  });
  afterAll(() => t.close());

  const enroll = (payload: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method: 'POST',
      url: '/v1/points/members',
      headers: { 'x-api-key': writer },
      payload: payload as object,
    });
  const get = (url: string): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'GET', url, headers: { 'x-api-key': reader } });
  const counts = async (): Promise<Record<string, number>> => {
    const [row] = await t.db.query<Record<string, number>[]>(
      `SELECT (SELECT count(*)::int FROM members) AS members, (SELECT count(*)::int FROM member_cards) AS cards,
              (SELECT count(*)::int FROM custodial_dids) AS dids, (SELECT count(*)::int FROM intake_items) AS items`,
    );
    return row ?? {};
  };
  /** CreateDid intake items in `mallchain_intake_items_total`, whatever their outcome. */
  const counted = async (): Promise<number> => {
    const m = await t.app.get(MetricsService).intakeItems.get();
    return m.values.filter((v) => v.labels.kind === CUSTODIAL_CREATE_KIND).reduce((n, v) => n + v.value, 0);
  };

  it('answers 201 with the new custodial DID, held by this mall, whose CreateDid is in the intake', async () => {
    const before = await counts();
    const metric = await counted();
    const res = await enroll({ name: '李四', mobile: '13900139000', cardNos: ['K0001'] });
    expect(res.statusCode).toBe(201);
    expect(await counted()).toBe(metric + 1);
    const body = res.json<Enrolled>();
    expect(body.did).toMatch(CUSTODIAL);
    expect(body.custodialDid).toEqual({ did: body.did, status: 'held', trackingId: expect.any(String) as string });
    expect(body.cards).toEqual([{ cardNo: 'K0001', status: 'active' }]);
    expect(await counts()).toEqual({
      members: (before.members ?? 0) + 1,
      cards: (before.cards ?? 0) + 1,
      dids: (before.dids ?? 0) + 1,
      items: (before.items ?? 0) + 1,
    });

    const held = await get(`/v1/custodial-dids/${body.did}`);
    expect(held.statusCode).toBe(200);
    expect(held.json()).toEqual(body.custodialDid);
    const [item] = await t.db.query<{ kind: string; natural_key: string; fn: string; status: string }[]>(
      'SELECT kind, natural_key, fn, status FROM intake_items WHERE tracking_id = $1',
      [body.custodialDid?.trackingId],
    );
    expect(item).toEqual({
      kind: CUSTODIAL_CREATE_KIND,
      natural_key: body.did,
      fn: 'dids:CreateDid',
      status: 'pending',
    });
    // The member's DID is the custodial one: a receipt with this card earns for it.
    const member = await get(`/v1/points/members/${body.memberId}`);
    expect(member.json<Enrolled>().did).toBe(body.did);
    // The key is sealed, not stored in the clear.
    const [row] = await t.db.query<{ key_sealed: Buffer }[]>('SELECT key_sealed FROM custodial_dids WHERE did = $1', [
      body.did,
    ]);
    expect(row?.key_sealed.toString('utf8')).not.toContain('"d"');
  });

  it('keeps a wallet DID as given: no custodial DID, no intake item', async () => {
    const before = await counts();
    const did = 'did:mallchain:WalletMember000000000000000000000000000000001';
    const res = await enroll({ did, cardNos: ['K0002'] });
    expect(res.statusCode).toBe(201);
    expect(res.json<Enrolled>()).not.toHaveProperty('custodialDid');
    expect(res.json<Enrolled>().did).toBe(did);
    const after = await counts();
    expect(after).toEqual({ ...before, members: (before.members ?? 0) + 1, cards: (before.cards ?? 0) + 1 });
  });

  it('a card already enrolled is 409 and leaves no custodial DID or CreateDid behind, nor counts one', async () => {
    const before = await counts();
    const metric = await counted();
    const res = await enroll({ cardNos: ['K0001'] });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ message: string }>().message).toContain('already enrolled');
    expect(await counts()).toEqual(before);
    // The CreateDid was written in the enrolment's transaction, then rolled back with it: not in the metrics.
    expect(await counted()).toBe(metric);
  });

  it.each([
    [{ did: '', cardNos: ['K0100'] }, 'did must be a DID'],
    [{ did: 42, cardNos: ['K0101'] }, 'did must be a DID'],
    [{ cardNos: [] }, 'cardNos'],
    [{}, 'cardNos'],
    [{ cardNos: ['K0102'], wallet: false }, 'property wallet should not exist'],
    [{ cardNos: ['K0103'], mobile: 'call me' }, 'mobile must be 5 to 20 digits'],
  ])('bad input %j is 400 naming the field, nothing stored (no DID either)', async (payload, message) => {
    const before = await counts();
    const res = await enroll(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(message);
    expect(await counts()).toEqual(before);
  });
});

describe('a receipt of a member enrolled with a custodial DID waits for that DID on the ledger', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  it('orders the accrual after the CreateDid; a wallet member’s accrual waits for nothing', async () => {
    const res = await h.t.app.inject({
      method: 'POST',
      url: '/v1/points/members',
      headers: { 'x-api-key': h.writer },
      payload: { cardNos: ['K9000'] },
    });
    expect(res.statusCode).toBe(201);
    const did = res.json<Enrolled>().did;
    const custodialSale = sale({ cardNo: 'K9000', score: 5 });
    const walletSale = sale({ score: 6 });
    const pushed = await h.post('sales', h.envelope({ receipts: [custodialSale, walletSale] }));
    expect(pushed.statusCode).toBe(200);
    const rows = await h.t.db.query<{ natural_key: string; after_kind: string | null; after_key: string | null }[]>(
      `SELECT i.natural_key, o.after_kind, o.after_key FROM intake_items i JOIN outbox o ON o.tracking_id = i.tracking_id
       WHERE i.kind = 'haide.receipt' ORDER BY i.natural_key`,
    );
    expect(rows).toEqual(
      [
        {
          natural_key: `MALL-A/P001/${String(custodialSale.flowNo)}`,
          after_kind: CUSTODIAL_CREATE_KIND,
          after_key: did,
        },
        { natural_key: `MALL-A/P001/${String(walletSale.flowNo)}`, after_kind: null, after_key: null },
      ].sort((x, y) => x.natural_key.localeCompare(y.natural_key)),
    );
  });
});
