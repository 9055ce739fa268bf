/**
 * Accept → committed → visible in the cache, through the production application (real API key, real Postgres, real
 * ledger driver) on the dev network; once per ledger driver.
 */
import { LEDGER_DRIVERS } from '../../src/config/app-config';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { requireNetwork, uniqueId } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { eventsSince, notePuts, openChecker } from './support/ledger-check';
import { startRealApp, type RealApp } from './support/real-app';

interface NoteView {
  readonly id: string;
  readonly text: string;
  readonly writtenBy: string;
  readonly txId?: string;
  readonly blockNumber?: string;
}

describe.each(LEDGER_DRIVERS)('notes through the middleware on the dev network (LEDGER_DRIVER=%s)', (driver) => {
  let app: RealApp;
  let checker: LedgerPort;

  beforeAll(async () => {
    const networkFile = requireNetwork();
    checker = await openChecker(networkFile);
    app = await startRealApp(networkFile, { driver });
  });
  afterAll(async () => {
    await app.close();
    checker.close();
  });

  it('accepts a note (202), commits it once on the ledger, and serves it from Postgres and from the peer', async () => {
    const id = uniqueId(`flow-${driver}`);
    const accepted = await call<{ trackingId: string; outcome: string; status: string }>(
      app.base,
      app.key,
      'POST',
      '/v1/notes',
      { id, text: `via the ${driver} driver` },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ outcome: 'accepted', status: 'pending' });

    const item = await committedItem(app.base, app.key, accepted.body.trackingId);
    expect(item.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(item.attempts).toBe(1);
    expect(Number(item.blockNumber)).toBeGreaterThan(0);
    const onLedger = await checker.txStatus(item.txId!);
    expect(onLedger).toEqual({
      txId: item.txId,
      found: true,
      validationCode: 'VALID',
      blockNumber: BigInt(item.blockNumber!),
    });

    const cached = await poll(`note ${id} in the read model`, async () => {
      const r = await call<NoteView>(app.base, app.key, 'GET', `/v1/notes/${id}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(cached).toMatchObject({ id, text: `via the ${driver} driver`, writtenBy: 'MallAMSP', txId: item.txId });
    const fromPeer = await call<NoteView>(app.base, app.key, 'GET', `/v1/notes/${id}?consistency=ledger`);
    expect(fromPeer.status).toBe(200);
    expect(fromPeer.body).toMatchObject({ id, text: `via the ${driver} driver`, writtenBy: 'MallAMSP' });

    // The same note again is a duplicate (nothing sent); the ledger holds exactly one put of it.
    const again = await call(app.base, app.key, 'POST', '/v1/notes', { id, text: `via the ${driver} driver` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'duplicate', trackingId: accepted.body.trackingId });
    const puts = notePuts(await eventsSince(checker, BigInt(item.blockNumber!), uniqueId('fence')), [id]);
    expect(puts.get(id)).toEqual([item.txId]);
  });

  it('refuses a malformed note with 400 naming the field and sends nothing to the ledger', async () => {
    const id = uniqueId(`bad-${driver}`);
    const r = await call<{ message: string }>(app.base, app.key, 'POST', '/v1/notes', { id, text: 42 });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.message)).toMatch(/text/);
    const missing = await call(app.base, app.key, 'GET', `/v1/notes/${id}?consistency=ledger`);
    expect(missing.status).toBe(404);
  });
});
