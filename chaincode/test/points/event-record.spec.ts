/**
 * The `mallchain.changes` events of a fixed accrual story (after the fixture's programs and merchants) (batch with merchant, attestation and in-batch
 * repeat; a single accrual; a batch repeating a committed receipt; a partial reversal; an expiry), recorded as
 * middleware/test/fixtures/accrual-events.v2.json. The middleware's tests project them beside the same story
 * recorded from the chaincode before the compact event (accrual-events.v1.json) and expect the same read model.
 *
 * Record again (this checkout, or a copy of an older one for v1; this file imports nothing newer than that):
 *   RECORD_EVENTS=<path> npx jest test/points/event-record.spec.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize } from '../../src/common/canonical';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, pointsWorld } from '../support/points-fixture';

const FIXTURE = join(__dirname, '../../../middleware/test/fixtures/accrual-events.v2.json');
const DAY_MS = 86_400_000;

/** Fixed member DIDs (seeded like seedMember's records), so that two recordings name the same members. */
const MEMBERS = ['did:mallchain:' + 'M'.repeat(42) + '1', 'did:mallchain:' + 'M'.repeat(42) + '2'];

async function story(): Promise<{ txId: string; name: string; payload: unknown }[]> {
  const w = await pointsWorld();
  const template = JSON.parse(Buffer.from(w.ledger.state.get(didKey(w.alice.did)) ?? []).toString('utf8')) as Record<
    string,
    unknown
  >;
  for (const did of MEMBERS) {
    const kid = `${did}#key-1`;
    const doc = template.document as { verificationMethod: { publicKeyJwk: unknown }[] };
    const record = {
      ...template,
      did,
      document: {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        verificationMethod: [
          { id: kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: doc.verificationMethod[0]?.publicKeyJwk },
        ],
        authentication: [kid],
      },
    };
    w.ledger.state.set(didKey(did), Buffer.from(canonicalize(record), 'utf8'));
  }
  const [m1, m2] = MEMBERS as [string, string];
  await w.call(
    'AccrueBatch',
    {
      programId: A,
      items: [
        { member: m1, amount: 120, sourceRef: 'A01/POS1/0001' },
        { member: m2, amount: 35, sourceRef: 'A01/POS1/0002', merchant: 'a-shoes' },
        {
          member: m1,
          amount: 7,
          sourceRef: 'A01/POS1/0003',
          merchant: 'a-shoes',
          attestation: { deviceDid: m2, seq: 4 },
        },
        { member: m2, amount: 1, sourceRef: 'A01/POS1/0004', attestation: { deviceDid: m2, seq: 5 } },
        { member: m1, amount: 120, sourceRef: 'A01/POS1/0001' },
      ],
    },
    IDS.mallAClient,
  );
  w.ledger.advance(1234);
  await w.call('Accrue', { programId: A, member: m2, amount: 60, sourceRef: 'A01/POS2/0001' }, IDS.mallAClient);
  await w.call(
    'AccrueBatch',
    {
      programId: A,
      items: [
        { member: m2, amount: 60, sourceRef: 'A01/POS2/0001' },
        { member: m1, amount: 9, sourceRef: 'A01/POS2/0002' },
      ],
    },
    IDS.mallAClient,
  );
  await w.call(
    'Reverse',
    { programId: A, sourceRef: 'A01/POS1/0001', reversalRef: 'RET-1', amount: 20 },
    IDS.mallAClient,
  );
  w.ledger.advance(AFTER_RETURN_WINDOW + 400 * DAY_MS);
  await w.call('Expire', { programId: A, limit: 100 }, IDS.mallAAdmin);
  return w.ledger.events.map((e, i) => ({
    txId: (e.payload as { txId: string }).txId,
    name: e.name,
    payload: e.payload,
    at: i,
  }));
}

function didKey(did: string): string {
  return `\u0000did\u0000${did}\u0000`;
}

describe('recorded accrual events (middleware/test/fixtures)', () => {
  it('the chaincode emits the recorded v2 events for the fixed story', async () => {
    const events = await story();
    if (process.env.RECORD_EVENTS) {
      writeFileSync(process.env.RECORD_EVENTS, `${JSON.stringify(events, null, 1)}\n`);
      return;
    }
    expect(events).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  });
});
