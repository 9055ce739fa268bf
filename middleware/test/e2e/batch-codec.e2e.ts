/**
 * The batch codecs on the dev network: accruals queued through the intake become `points:AccrueBatch` calls and
 * device attestations `devices:SubmitAttestations` calls, through the production application (real Postgres, real
 * gateway driver). Inside the batches are refused entries: a member DID that does not exist (the chaincode names no
 * index: the batcher halves), an amount of 0 (the chaincode names `items[i]`), a statement signed by another key.
 * Each refused entry is dead alone with its code; every other item commits, several per transaction, and each is on
 * the ledger exactly once (counted in the chaincode events up to a fence).
 */
import { readFileSync } from 'node:fs';
import { createDid, registerDevice, trafficStatement, attestation } from '../../../test/support/chain-requests';
import { newKey, type ChainKey } from '../../../test/support/chain-keys';
import { IntakeService } from '../../src/intake/intake.service';
import type { IntakeRequest } from '../../src/intake/intake.types';
import { DeviceLedger, type AttestationEntry } from '../../src/ledger/domain/device.ledger';
import { PointsLedger } from '../../src/ledger/domain/points.ledger';
import { createLedger } from '../../src/ledger/ledger.factory';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { requireNetwork, uniqueId } from '../ledger/network';
import { poll } from './support/http';
import { changesOf, eventsSince, putNote } from './support/ledger-check';
import { startRealApp, type RealApp } from './support/real-app';

const ACCRUALS = 40;
const NO_MEMBER_AT = 7;
const ZERO_AT = 23;
const DEVICES = 6;
const FORGED_AT = 2;

interface Change {
  readonly entity: string;
  readonly op: string;
  readonly data?: { sourceRef?: string; statement?: { deviceDid: string; seq: number } };
}

interface ItemRow {
  readonly natural_key: string;
  readonly status: string;
  readonly error_code: string | null;
  readonly tx_id: string | null;
}

describe('batch codecs on the dev network: accruals and attestations, one refused entry inside each batch', () => {
  const run = uniqueId('bc');
  const programId = `p-${run}`;
  let started: RealApp | undefined;
  let admin: LedgerPort | undefined;
  let client: LedgerPort | undefined;
  let channel: string;
  const members: ChainKey[] = [newKey('ES256'), newKey('ES256'), newKey('ES256')];
  const devices: ChainKey[] = Array.from({ length: DEVICES }, () => newKey('ES256'));
  let fromBlock = 0n;

  beforeAll(async () => {
    const networkFile = requireNetwork();
    const a = await createLedger({ driver: 'gateway', networkFile, mspId: 'MallAMSP', user: 'admin' });
    admin = a;
    const c = await createLedger({ driver: 'gateway', networkFile, mspId: 'MallAMSP' });
    client = c;
    fromBlock = (await putNote(c, `${run}-start`, 'start')).blockNumber;
    channel = (JSON.parse(readFileSync(networkFile, 'utf8')) as { channel: string }).channel;
    const program = { programId, name: 'Mall A Rewards', unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0 };
    await a.submit('points:RegisterProgram', [JSON.stringify(program)]);
    for (const m of members) await c.submit('dids:CreateDid', [JSON.stringify(createDid(channel, m))]);
    const location = { site: 'Mall A', floor: 'F1', zone: `Atrium ${run}`, entrance: 'North gate' };
    for (const d of devices) {
      await a.submit('devices:RegisterDevice', [JSON.stringify(registerDevice(channel, d, 'MallAMSP', location))]);
    }
    // Statements must end after the keys became valid (their registration's transaction time).
    await new Promise((r) => setTimeout(r, 2000));
    started = await startRealApp(networkFile, { extra: { BATCH_WAIT_MS: '300', BATCH_CALL_MAX_ITEMS: '100' } });
  }, 300_000);

  afterAll(async () => {
    await started?.close();
    admin?.close();
    client?.close();
  });

  it('commits every accepted entry exactly once, several per transaction, and only the refused ones are dead', async () => {
    if (started === undefined || client === undefined) throw new Error('set-up failed');
    const app = started;
    const checker = client;
    const intake = app.app.get(IntakeService);
    const points = app.app.get(PointsLedger);
    const deviceLedger = app.app.get(DeviceLedger);

    const accruals: IntakeRequest[] = Array.from({ length: ACCRUALS }, (_, i) => {
      const member = i === NO_MEMBER_AT ? newKey('ES256').did : members[i % members.length]!.did;
      const sourceRef = `${run}-r${i}`;
      const call = points.accrue({ programId, member, amount: i === ZERO_AT ? 0 : 10 + i, sourceRef });
      return { kind: 'e2e-accrual', naturalKey: sourceRef, payload: { i }, ...call };
    });
    const end = new Date(Date.now() - 500);
    const period = { start: new Date(end.getTime() - 60_000).toISOString(), end: end.toISOString() };
    const statements: IntakeRequest[] = devices.map((d, i) => {
      const s = trafficStatement(channel, d.did, 1, period, `[{"n":${i}}]`, { in: i }, i);
      const signer = i === FORGED_AT ? newKey('ES256') : d;
      const call = deviceLedger.submitAttestation(attestation(s, signer) as unknown as AttestationEntry);
      return { kind: 'e2e-attestation', naturalKey: `${d.did}/1`, payload: { i }, orderingKey: d.did, ...call };
    });
    const acks = await intake.acceptMany([...accruals, ...statements]);
    expect(acks.every((a) => a.ok && a.ack.outcome === 'accepted')).toBe(true);

    const ids = acks.map((a) => (a.ok ? a.ack.trackingId : ''));
    const rows = await poll(
      'every item settled',
      async () => {
        const views = await Promise.all(ids.map((id) => intake.status(id, 'MallAMSP')));
        if (views.some((v) => v.status === 'pending')) return undefined;
        return views.map((v): ItemRow => ({
          natural_key: v.naturalKey,
          status: v.status,
          error_code: v.errorCode,
          tx_id: v.txId,
        }));
      },
      240_000,
      1000,
    );
    const byKey = new Map(rows.map((r) => [r.natural_key, r]));
    const dead = rows.filter((r) => r.status === 'dead').map((r) => [r.natural_key, r.error_code]);
    expect(dead.sort()).toEqual(
      [
        [`${run}-r${NO_MEMBER_AT}`, 'NOT_FOUND'],
        [`${run}-r${ZERO_AT}`, 'INPUT_INVALID'],
        [`${devices[FORGED_AT]!.did}/1`, 'AUTH_SIGNATURE'],
      ].sort(),
    );
    const committedAccruals = rows.filter((r) => r.status === 'committed' && r.natural_key.startsWith(run));
    expect(committedAccruals).toHaveLength(ACCRUALS - 2);
    // Batched: far fewer transactions than items.
    expect(new Set(committedAccruals.map((r) => r.tx_id)).size).toBeLessThanOrEqual(8);
    const committedStatements = rows.filter((r) => r.status === 'committed' && r.natural_key.startsWith('did:'));
    expect(committedStatements).toHaveLength(DEVICES - 1);
    expect(new Set(committedStatements.map((r) => r.tx_id)).size).toBeLessThanOrEqual(4);

    // Exactly once on the ledger: one accrual put per committed receipt, none for a dead one; likewise attestations.
    const events = await eventsSince(checker, fromBlock, `${run}-fence`);
    const accrualPuts = new Map<string, string[]>();
    const attestationPuts = new Map<string, string[]>();
    for (const e of events) {
      if (e.eventName !== 'mallchain.changes') continue;
      for (const c of changesOf<Change>(e.payload)) {
        if (c.op !== 'put') continue;
        if (c.entity === 'accrual' && c.data?.sourceRef?.startsWith(run) === true)
          accrualPuts.set(c.data.sourceRef, [...(accrualPuts.get(c.data.sourceRef) ?? []), e.txId]);
        const st = c.data?.statement;
        if (c.entity === 'attestation' && st && devices.some((d) => d.did === st.deviceDid))
          attestationPuts.set(`${st.deviceDid}/${st.seq}`, [
            ...(attestationPuts.get(`${st.deviceDid}/${st.seq}`) ?? []),
            e.txId,
          ]);
      }
    }
    for (let i = 0; i < ACCRUALS; i++) {
      const key = `${run}-r${i}`;
      const expected = byKey.get(key)?.status === 'committed' ? [byKey.get(key)?.tx_id] : [];
      expect([key, accrualPuts.get(key) ?? []]).toEqual([key, expected]);
    }
    for (const d of devices) {
      const key = `${d.did}/1`;
      const expected = byKey.get(key)?.status === 'committed' ? [byKey.get(key)?.tx_id] : [];
      expect([key, attestationPuts.get(key) ?? []]).toEqual([key, expected]);
    }
  }, 300_000);
});
