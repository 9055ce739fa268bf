import type { LightMyRequestResponse } from 'fastify';
import { FakeLedger } from '../support/fake-ledger';
import { RecordingPoints } from './recording-points';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

const DID = 'did:mallchain:zMemberA1';
const consent = { kid: `${DID}#key-1`, signature: 'A'.repeat(86) };
const signed = { nonce: 'n-1', deadline: '2026-12-01T13:30:00Z', consent };
const program = {
  programId: 'mallA-points',
  name: 'Mall A Rewards',
  unitValueFen: 1,
  expiryMonths: 24,
  returnWindowDays: 7,
};

describe('/v1/points integrator API (real Postgres, recording ledger)', () => {
  let t: TestApp;
  let client: TestApp;
  const points = new RecordingPoints();
  let write: string;
  let read: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_USER: 'admin' }, new FakeLedger({ contracts: [points] }));
    client = await startTestApp({}, new FakeLedger({ contracts: [new RecordingPoints()] }));
    write = await t.key(['points:write']);
    read = await t.key(['points:read']);
    admin = await t.key(['consortium:admin']);
  });
  afterAll(async () => {
    await t.close();
    await client.close();
  });

  const items = async (app: TestApp = t): Promise<number> =>
    (await app.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM intake_items`))[0]?.n ?? -1;
  const post = (url: string, key: string, payload: object, app: TestApp = t): Promise<LightMyRequestResponse> =>
    app.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, payload });
  const get = (url: string, key: string): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  it('registers a program through the intake: 202, then the exact RegisterProgram request reaches the ledger', async () => {
    const r = await post('/v1/points/programs', admin, program);
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ outcome: 'accepted' });
    await eventually(() =>
      Promise.resolve(points.submits.some((s) => s.fn === 'points:RegisterProgram') ? true : undefined),
    );
    expect(points.submits.find((s) => s.fn === 'points:RegisterProgram')?.request).toEqual(program);
    const again = await post('/v1/points/programs', admin, program);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      outcome: 'duplicate',
      trackingId: r.json<{ trackingId: string }>().trackingId,
    });
    const other = await post('/v1/points/programs', admin, { ...program, unitValueFen: 2 });
    expect(other.statusCode).toBe(409);
  });

  it('claims a namespace through the intake in lower case; the same claim in other letters is a duplicate', async () => {
    const r = await post('/v1/points/namespaces', admin, { namespace: 'MallA' });
    expect(r.statusCode).toBe(202);
    await eventually(() =>
      Promise.resolve(points.submits.some((s) => s.fn === 'points:ClaimNamespace') ? true : undefined),
    );
    expect(points.submits.find((s) => s.fn === 'points:ClaimNamespace')?.request).toEqual({ namespace: 'malla' });
    const again = await post('/v1/points/namespaces', admin, { namespace: 'malla' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      outcome: 'duplicate',
      trackingId: r.json<{ trackingId: string }>().trackingId,
    });
    expect((await post('/v1/points/namespaces', write, { namespace: 'mallb' })).statusCode).toBe(403);
  });

  it('relays a redemption with the member’s consent unchanged', async () => {
    const body = {
      merchant: 'parking-b1',
      ref: 'ticket-1',
      member: DID,
      programId: 'mallB-points',
      amount: 100,
      ...signed,
    };
    const r = await post('/v1/points/redemptions', write, body);
    expect(r.statusCode).toBe(202);
    await eventually(() => Promise.resolve(points.submits.some((s) => s.fn === 'points:Redeem') ? true : undefined));
    expect(points.submits.find((s) => s.fn === 'points:Redeem')?.request).toEqual(body);
  });

  it.each([
    ['/v1/points/programs', 'admin', { ...program, unitValueFen: 0 }, /unitValueFen must not be less than 1/],
    ['/v1/points/programs', 'admin', { ...program, programId: 'a b' }, /programId must be a ledger ID/],
    [
      '/v1/points/programs',
      'admin',
      { ...program, expiryMonths: 1, returnWindowDays: 28 },
      /returnWindowDays must be less/,
    ],
    ['/v1/points/programs', 'admin', { ...program, extra: 1 }, /property extra should not exist/],
    ['/v1/points/merchants', 'admin', { merchantId: 'm1', name: 'x', category: 'cinema', programId: 'p' }, /category/],
    [
      '/v1/points/redemptions',
      'write',
      { merchant: 'm', ref: 'r', member: 'bob', programId: 'p', amount: 1 },
      /member must be a DID/,
    ],
    [
      '/v1/points/redemptions',
      'write',
      { merchant: 'm', ref: 'r', member: DID, programId: 'p', amount: 1.5 },
      /amount must be an integer/,
    ],
    [
      '/v1/points/redemptions',
      'write',
      { merchant: 'm', ref: 'r', member: DID, programId: 'p', amount: 1e10 },
      /amount must not be greater/,
    ],
    [
      '/v1/points/redemptions',
      'write',
      { merchant: 'm', ref: 'r', member: DID, programId: 'p', amount: 1, nonce: 'n-1' },
      /nonce, deadline and consent go together/,
    ],
    [
      '/v1/points/redemptions',
      'write',
      {
        merchant: 'm',
        ref: 'r',
        member: DID,
        programId: 'p',
        amount: 1,
        ...signed,
        consent: { kid: 'k', signature: 'not base64!' },
      },
      /consent.signature must be base64url/,
    ],
    [
      '/v1/points/transfers',
      'write',
      { programId: 'p', from: DID, to: DID, amount: 5, ...signed },
      /to must differ from from/,
    ],
    [
      '/v1/points/transfers',
      'write',
      { programId: 'p', from: DID, to: 'did:mallchain:zB', amount: 5, ...signed, deadline: 'tomorrow' },
      /deadline must be an ISO-8601 time/,
    ],
    [
      '/v1/points/transfers',
      'write',
      { programId: 'p', from: DID, to: 'did:mallchain:zB', amount: 5, nonce: 'n', deadline: '2026-12-01T00:00:00Z' },
      /consent is required/,
    ],
    [
      '/v1/points/redemptions',
      'write',
      { merchant: 'm', ref: 'r', member: DID, programId: 'p', amount: 1, ...signed, nonce: 'n 1' },
      /nonce must be 1 to 64/,
    ],
    [
      '/v1/points/transfers',
      'write',
      { programId: 'p', from: DID, to: 'did:mallchain:zB', amount: 5, deadline: '2026-12-01T00:00:00Z', consent },
      /nonce must be 1 to 64/,
    ],
    [
      '/v1/points/exchanges',
      'write',
      { member: DID, fromProgram: 'p', toProgram: 'q', amount: 2, receive: 1, nonce: 'n', consent },
      /deadline must be an ISO-8601 time/,
    ],
    [
      '/v1/points/exchanges',
      'write',
      { member: DID, fromProgram: 'p', toProgram: 'p', amount: 2, receive: 1, ...signed },
      /toProgram must differ/,
    ],
    [
      '/v1/points/rates',
      'admin',
      { fromProgram: 'a', toProgram: 'b', numerator: 0, denominator: 1 },
      /numerator must not be less than 1/,
    ],
    [
      '/v1/points/rates/approve',
      'admin',
      { fromProgram: 'a', toProgram: 'b', numerator: 1, denominator: 2 },
      /unitValueFen is required/,
    ],
    [
      '/v1/points/periods/close',
      'admin',
      { from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
      /to must be after from/,
    ],
    ['/v1/points/namespaces', 'admin', { namespace: 'mall-a' }, /namespace must be 2 to 40 letters and digits/],
    ['/v1/points/namespaces', 'admin', { namespace: 'a' }, /namespace must be 2 to 40 letters and digits/],
    ['/v1/points/namespaces', 'admin', {}, /namespace must be 2 to 40 letters and digits/],
    ['/v1/points/programs/a%20b/expire', 'write', {}, /programId must be a ledger ID/],
    ['/v1/points/programs/p/expire', 'write', { limit: 501 }, /limit must not be greater than 500/],
    ['/v1/points/statements/yesterday/confirm', 'admin', {}, /periodId must be/],
  ])('POST %s refuses bad input (%j): 400 naming it, nothing stored', async (url, who, body, message) => {
    const before = await items();
    const key = { admin, write }[who as 'admin' | 'write'];
    const r = await post(url, key, body);
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(message);
    expect(await items()).toBe(before);
  });

  it('refuses a manual expiry run of an unknown program (404) or of another mall’s (403 naming it), nothing stored', async () => {
    const seed = (programId: string, issuer: string): Promise<unknown> =>
      t.db.query(
        `INSERT INTO points_programs (program_id, issuer, name, unit_value_fen, next_unit_value, expiry_months,
           return_window_days, created_at, updated_at, ledger_key, tx_id, block_number)
         VALUES ($1, $2, 'x', 1, 'null', 12, 0, now(), now(), 'pprog/' || $1, 'tx', 1)`,
        [programId, issuer],
      );
    await seed('exp-b-points', 'MallBMSP');
    const before = await items();
    const unknown = await post('/v1/points/programs/nope-points/expire', write, {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ message: string }>().message).toContain('program nope-points does not exist');
    const foreign = await post('/v1/points/programs/exp-b-points/expire', write, { limit: 10 });
    expect(foreign.statusCode).toBe(403);
    expect(JSON.stringify(foreign.json())).toContain('issued by MallBMSP');
    expect(await items()).toBe(before);
    await seed('exp-a-points', 'MallAMSP');
    const own = await post('/v1/points/programs/exp-a-points/expire', write, { limit: 10 });
    expect(own.statusCode).toBe(202);
    expect(await items()).toBe(before + 1);
  });

  it('refuses admin-only actions on a middleware that signs as client: 503 naming LEDGER_USER, nothing stored', async () => {
    const key = await client.key(['consortium:admin']);
    const before = await items(client);
    const r = await post('/v1/points/programs', key, program, client);
    expect(r.statusCode).toBe(503);
    expect(JSON.stringify(r.json())).toMatch(/LEDGER_USER=admin/);
    expect(await items(client)).toBe(before);
  });

  it('binds the mall only with consortium:admin: points:write cannot register a program or close a period', async () => {
    expect((await post('/v1/points/programs', write, program)).statusCode).toBe(403);
    expect(
      (await post('/v1/points/periods/close', write, { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }))
        .statusCode,
    ).toBe(403);
    expect((await post('/v1/points/redemptions', read, {})).statusCode).toBe(403);
  });

  it.each([
    ['/v1/points/balances', /member must be a DID/],
    [`/v1/points/balances?member=${DID}&consistency=peer`, /consistency must be one of/],
    [`/v1/points/history?member=${DID}&limit=1001`, /limit must not be greater than 1000/],
    ['/v1/points/accruals?programId=p', /sourceRef/],
    ['/v1/points/clearing?from=2026-11-01T00:00:00Z&to=soon', /to must be an ISO-8601 time/],
    ['/v1/points/programs/a%20b', /programId must be a ledger ID/],
  ])('GET %s refuses bad input: 400 %s', async (url, message) => {
    const r = await get(url, read);
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(message);
  });

  it('reads from the cache by default (404 for what was never projected) and from the peer with consistency=ledger', async () => {
    expect((await get('/v1/points/programs/unknown', read)).statusCode).toBe(404);
    expect((await get(`/v1/points/accruals?programId=p&sourceRef=r1`, read)).statusCode).toBe(404);
    const cache = await get(`/v1/points/balances?member=${DID}`, read);
    expect(cache.json()).toEqual({ member: DID, balances: [] });
    const peer = await get(`/v1/points/balances?member=${DID}&programId=p&consistency=ledger`, read);
    expect(peer.json()).toEqual({
      evaluated: 'points:GetBalance',
      request: { member: DID, programId: 'p', expiringWithinDays: 30 },
    });
  });
});
