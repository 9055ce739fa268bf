/**
 * Crash recovery and one device's order: after a restart, the claim holds a transaction the dead process had
 * recorded for the device's seq N (sent or not, answered or not) and the newer seq N+1, N+2 of the same device. The
 * chaincode refuses any seq not above the last accepted one, so the recovered transaction must be settled before the
 * newer ones are sent, and a copy of N must never land after them. Real Postgres; the fake devices contract checks
 * the seq as `SubmitAttestations` does.
 */
import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { IntakeService } from '../../src/intake/intake.service';
import { LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

function proven(records: Rec[], seq: number, signer: DeviceKey): Record<string, unknown> {
  const parsed = validateTrafficPush(push(records), Date.now()).records;
  const statement = trafficStatement(parsed, { deviceDid: signer.did, seq }, 'mallchannel');
  const signature = signJcs(signer.privateKey, statement);
  return push(records, { deviceProof: { deviceDid: signer.did, seq, digest: recordsDigest(records), signature } });
}

describe('recovered attestation transactions and newer ones of the same device in one claim', () => {
  let t: HuinaApp;
  let intake: IntakeService;

  beforeAll(async () => {
    t = await startHuinaApp({ DEVICE_KEYS_SOURCE: 'ledger', WORKERS_ENABLED: 'false' });
    intake = t.app.get(IntakeService);
    expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.ledger.beforeOrder = undefined;
    t.ledger.afterCommit = undefined;
    t.ledger.envelopes = false;
    t.ledger.statusLag = 0;
  });

  const counter = (): DeviceKey => {
    const k = generateDeviceKey();
    t.devices.register(k.did, k.publicKeyJwk);
    return k;
  };
  const queue = async (k: DeviceKey, seq: number): Promise<string> => {
    const r = await t.call(
      'POST',
      '/huina/v1/traffic',
      // Hex of the DID's tail: a DID is base64url, and `_` or a leading `-` is not a site key (a random key made this
      // suite fail now and then with INPUT_INVALID).
      proven([rec({ siteKey: `${Buffer.from(k.did.slice(-6)).toString('hex')}-${seq}` })], seq, k),
    );
    expect(r.status).toBe(200);
    return (r.body.data as { attestation: { trackingId: string } }).attestation.trackingId;
  };
  /** What the dead process left: its claim's lease run out, its rows due now. */
  const crashed = (): Promise<unknown> =>
    t.db.query(`UPDATE outbox SET claimed_by = gen_random_uuid(), claimed_until = now() - interval '1 second',
                  available_at = now() - interval '1 minute'`);
  /** Rows due and past the claim's batching wait (a loaded machine must not make a tick claim nothing). */
  const due = (): Promise<unknown> => t.db.query(`UPDATE outbox SET available_at = now() - interval '1 minute'`);
  const drain = async (): Promise<void> => {
    for (let i = 0; i < 12; i++) {
      await t.db.query(`UPDATE outbox SET available_at = now() - interval '1 minute'`);
      await due();
      await intake.batcher.tick();
      const [r] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox');
      if (r?.n === 0) return;
    }
    const left = await t.db.query<unknown[]>(
      `SELECT i.natural_key, i.status, i.error_code, i.last_error, i.tx_id, o.available_at FROM intake_items i
       LEFT JOIN outbox o USING (tracking_id) WHERE i.kind = 'device-attestation'`,
    );
    throw new Error(`the outbox did not drain: ${JSON.stringify(left)}`);
  };
  /** The device's seqs in each committed `SubmitAttestations`, in ledger order. */
  const ledgerSeqs = (did: string): number[][] =>
    t.ledger.txs
      .filter((x) => x.fn === 'devices:SubmitAttestations')
      .map((x) =>
        (
          JSON.parse(x.args[0] ?? '{}') as { attestations: { statement: { deviceDid: string; seq: number } }[] }
        ).attestations
          .filter((a) => a.statement.deviceDid === did)
          .map((a) => a.statement.seq),
      )
      .filter((s) => s.length > 0);
  const states = async (ids: string[]): Promise<{ status: string; error_code: string | null; tx_id: string }[]> =>
    Promise.all(
      ids.map(async (id) => {
        const [r] = await t.db.query<{ status: string; error_code: string | null; tx_id: string }[]>(
          'SELECT status, error_code, tx_id FROM intake_items WHERE tracking_id = $1',
          [id],
        );
        return r as { status: string; error_code: string | null; tx_id: string };
      }),
    );
  const txOf = async (id: string): Promise<string | null> => {
    const [r] = await t.db.query<{ tx_id: string | null }[]>('SELECT tx_id FROM intake_items WHERE tracking_id = $1', [
      id,
    ]);
    return r?.tx_id ?? null;
  };

  it('recorded but never ordered: the same transaction is sent again first, then the newer seqs, in order', async () => {
    const k = counter();
    const first = await queue(k, 1);
    t.ledger.envelopes = true;
    t.ledger.beforeOrder = () => Promise.reject(new LedgerTimeoutError('submit', 'orderer unreachable'));
    await due();
    await intake.batcher.tick();
    const recorded = await txOf(first);
    expect(recorded).not.toBeNull();
    expect(ledgerSeqs(k.did)).toEqual([]);
    t.ledger.beforeOrder = undefined;
    const later = [await queue(k, 2), await queue(k, 3)];
    await crashed();
    await drain();
    expect(ledgerSeqs(k.did)).toEqual([[1], [2, 3]]);
    const s = await states([first, ...later]);
    expect(s.map((x) => x.status)).toEqual(['committed', 'committed', 'committed']);
    // The very transaction the dead process signed, not a second one.
    expect(s[0]?.tx_id).toBe(recorded);
  });

  it('ordered but the answer lost, the peer lagging: seq 1 is found (or its copy refused as a duplicate), never twice, and 2 and 3 are not refused', async () => {
    const k = counter();
    const first = await queue(k, 1);
    t.ledger.envelopes = true;
    let lost = true;
    t.ledger.afterCommit = () =>
      lost ? ((lost = false), new LedgerTimeoutError('commitStatus', 'no answer')) : undefined;
    await due();
    await intake.batcher.tick();
    expect(ledgerSeqs(k.did)).toEqual([[1]]);
    t.ledger.statusLag = 1;
    const later = [await queue(k, 2), await queue(k, 3)];
    await crashed();
    await drain();
    expect(ledgerSeqs(k.did)).toEqual([[1], [2, 3]]);
    expect((await states([first, ...later])).map((x) => [x.status, x.error_code])).toEqual([
      ['committed', null],
      ['committed', null],
      ['committed', null],
    ]);
  });

  it('ordered, answer lost, no envelope kept: a new transaction for seq 1 is refused DEVICE_SEQ, the look-up finds the first, 2 and 3 follow', async () => {
    const k = counter();
    const first = await queue(k, 1);
    let lost = true;
    t.ledger.afterCommit = () =>
      lost ? ((lost = false), new LedgerTimeoutError('commitStatus', 'no answer')) : undefined;
    await due();
    await intake.batcher.tick();
    const recorded = await txOf(first);
    t.ledger.statusLag = 1;
    const later = [await queue(k, 2), await queue(k, 3)];
    await crashed();
    // Past the grace in which the recorded transaction may still show up: the batcher may send a new one.
    await t.db.query(`UPDATE intake_items SET tx_sent_at = now() - interval '1 hour' WHERE tracking_id = $1`, [first]);
    await drain();
    expect(ledgerSeqs(k.did)).toEqual([[1], [2, 3]]);
    const s = await states([first, ...later]);
    expect(s.map((x) => [x.status, x.error_code])).toEqual([
      ['committed', null],
      ['committed', null],
      ['committed', null],
    ]);
    expect(s[0]?.tx_id).toBe(recorded);
  });

  it('while the recovered transaction is unknown and may still land, the newer seqs are not sent', async () => {
    const k = counter();
    const first = await queue(k, 1);
    t.ledger.beforeOrder = () => Promise.reject(new LedgerTimeoutError('submit', 'orderer unreachable'));
    await due();
    await intake.batcher.tick();
    t.ledger.beforeOrder = undefined;
    // Sent moments ago, no envelope kept to send it again, unknown to the peer: it may still be ordered.
    expect(await txOf(first)).not.toBeNull();
    const later = [await queue(k, 2), await queue(k, 3)];
    await crashed();
    await due();
    await intake.batcher.tick();
    await t.db.query(`UPDATE outbox SET available_at = now() - interval '1 minute'`);
    await due();
    await intake.batcher.tick();
    expect(ledgerSeqs(k.did)).toEqual([]);
    expect((await states([first, ...later])).map((x) => x.status)).toEqual(['pending', 'pending', 'pending']);
    expect((await states(later)).map((x) => x.tx_id)).toEqual([null, null]);
  });
});
