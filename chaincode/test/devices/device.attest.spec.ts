import { DeviceContract } from '../../src/devices/device.contract';
import { IDS, Identity, Ledger } from '../support/fake-stub';
import {
  batch,
  digestOf,
  entry,
  newKey,
  registerRequest,
  relayed,
  rotateRequest,
  statement,
} from '../support/devices-fixtures';
import { TestKey, signJcs } from '../support/dids-keys';

interface Anchored {
  txId: string;
  anchored: { deviceDid: string; seq: number; statementHash: string }[];
}

interface DigestCheck {
  match: boolean;
  trusted: boolean;
  anchoredDigest: string;
  attestation: { statement: { seq: number }; txId: string; submittedBy: string; relay?: unknown };
}

describe('devices attestations', () => {
  const contract = new DeviceContract();
  let ledger: Ledger;
  let counter: TestKey;
  let printer: TestKey;
  let gateway: TestKey;
  let otherMall: TestKey;

  beforeEach(async () => {
    ledger = new Ledger();
    counter = newKey();
    printer = newKey('ed25519');
    gateway = newKey();
    otherMall = newKey();
    // Devices are registered (their first key valid) a day before the measurements below.
    ledger.now = Date.parse('2026-02-28T00:00:00Z');
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(counter, 'MallAMSP')], IDS.mallAAdmin);
    await ledger.invoke(
      contract,
      'RegisterDevice',
      [registerRequest(printer, 'MallAMSP', { type: 'receipt_printer' })],
      IDS.mallAAdmin,
    );
    await ledger.invoke(
      contract,
      'RegisterDevice',
      [registerRequest(gateway, 'MallBMSP', { type: 'gateway' })],
      IDS.mallBAdmin,
    );
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(otherMall, 'MallBMSP')], IDS.mallBAdmin);
    ledger.now = Date.parse('2026-03-01T02:00:00Z');
  });

  async function submit(arg: string, who: Identity = IDS.mallAClient): Promise<Anchored> {
    return (await ledger.invoke<Anchored>(contract, 'SubmitAttestations', [arg], who)).result;
  }

  /** Submits and returns what was anchored as [deviceDid, seq] pairs. */
  async function anchored(arg: string): Promise<[string, number][]> {
    return (await submit(arg)).anchored.map((a) => [a.deviceDid, a.seq]);
  }

  async function refused(arg: string, message: string | RegExp, who: Identity = IDS.mallAClient): Promise<void> {
    const before = ledger.dump();
    await expect(ledger.invoke(contract, 'SubmitAttestations', [arg], who)).rejects.toThrow(message);
    expect(ledger.dump()).toEqual(before);
  }

  async function verify(
    deviceDid: string,
    seq: number,
    digest: string,
    who: Identity = IDS.mallBClient,
  ): Promise<DigestCheck> {
    const arg = JSON.stringify({ deviceDid, seq, digest });
    return (await ledger.invoke<DigestCheck>(contract, 'VerifyDigest', [arg], who)).result;
  }

  it('anchors a batch from several devices and lets the other mall verify the digest', async () => {
    const result = await submit(
      batch(entry(counter, counter.did, 1), entry(printer, printer.did, 1), entry(counter, counter.did, 2)),
    );
    expect(result.anchored.map((a) => [a.deviceDid, a.seq])).toEqual([
      [counter.did, 1],
      [printer.did, 1],
      [counter.did, 2],
    ]);
    const dump = ledger.dump();
    expect(dump[`devseq/${counter.did}`]).toMatchObject({ seq: 2 });
    expect(dump[`devseq/${printer.did}`]).toMatchObject({ seq: 1 });
    expect(Object.keys(dump).filter((k) => k.startsWith('att/'))).toHaveLength(3);

    const digest = digestOf(`records ${counter.did} 2`);
    const ok = await verify(counter.did, 2, digest);
    expect(ok).toMatchObject({ match: true, trusted: true, anchoredDigest: digest });
    expect(ok.attestation).toMatchObject({ txId: result.txId, submittedBy: 'MallAMSP' });
    const wrong = await verify(counter.did, 2, digestOf('tampered'));
    expect(wrong).toMatchObject({ match: false, trusted: false, anchoredDigest: digest });
    const device = await ledger.invoke<{ lastSeq: number }>(
      contract,
      'GetDevice',
      [JSON.stringify({ did: counter.did })],
      IDS.mallBClient,
    );
    expect(device.result.lastSeq).toBe(2);
  });

  it('refuses a forged signature, a wrong channel, a replayed seq and a reordered batch', async () => {
    await submit(batch(entry(counter, counter.did, 1)));
    const forged = { ...entry(counter, counter.did, 2), signature: signJcs(printer, statement(counter.did, 2)) };
    await refused(batch(forged), `AUTH_SIGNATURE: signature by ${counter.did}#key-1`);
    const tampered = entry(counter, counter.did, 2);
    (tampered.statement as Record<string, unknown>).count = 13;
    await refused(batch(tampered), 'AUTH_SIGNATURE');
    await refused(batch(entry(counter, counter.did, 2, { channel: 'otherchannel' })), 'DEVICE_CHANNEL');
    await refused(batch(entry(counter, counter.did, 1)), `DEVICE_SEQ: ${counter.did} seq 1 is not greater than 1`);
    await refused(batch(entry(counter, counter.did, 3), entry(counter, counter.did, 2)), 'seq 2 is not greater than 3');
    await refused(batch(entry(counter, counter.did, 2), entry(counter, counter.did, 2)), 'DEVICE_SEQ');
    // A good statement in the same batch as a bad one is not stored either.
    await refused(batch(entry(printer, printer.did, 1), entry(counter, counter.did, 1)), 'DEVICE_SEQ');
  });

  it('anchors a receipt statement of a receipt printer only: a people counter is refused (DEVICE_TYPE)', async () => {
    const receipt = { kind: 'receipt', periodStart: '2026-03-01T02:00:00Z' };
    await refused(batch(entry(counter, counter.did, 1, receipt)), `DEVICE_TYPE: ${counter.did} is a people_counter`);
    // Not even beside a good one: the batch is all or nothing.
    await refused(
      batch(entry(printer, printer.did, 1, receipt), entry(counter, counter.did, 1, receipt)),
      'DEVICE_TYPE',
    );
    expect(await anchored(batch(entry(printer, printer.did, 1, receipt)))).toEqual([[printer.did, 1]]);
  });

  it('accepts gaps in seq but never goes back', async () => {
    await submit(batch(entry(counter, counter.did, 5)));
    await refused(batch(entry(counter, counter.did, 4)), 'DEVICE_SEQ');
    expect((await submit(batch(entry(counter, counter.did, 9)))).anchored[0]!.seq).toBe(9);
  });

  it('cannot be bricked by a huge seq: seq stays below 2^48 and moves at most 2^20 per statement', async () => {
    // Before: seq 2^53-1 was accepted, and no later statement could be greater, even after a rotation.
    await refused(batch(entry(counter, counter.did, Number.MAX_SAFE_INTEGER)), 'seq: must be at most 281474976710656');
    await refused(
      batch(entry(counter, counter.did, 2 ** 20 + 1)),
      `DEVICE_SEQ: ${counter.did} seq ${2 ** 20 + 1} jumps more than 1048576 past 0`,
    );
    await submit(batch(entry(counter, counter.did, 2 ** 20)));
    await refused(batch(entry(counter, counter.did, 2 ** 21 + 1)), 'DEVICE_SEQ');
    expect((await submit(batch(entry(counter, counter.did, 2 ** 21)))).anchored[0]!.seq).toBe(2 ** 21);
    // Within one batch the bound applies from the previous entry of the same device.
    await submit(batch(entry(counter, counter.did, 2 ** 21 + 1), entry(counter, counter.did, 2 ** 21 + 2 ** 20)));
  });

  it('checks the key valid at measurement time: a rotated-out key only signs for earlier periods', async () => {
    const k2 = newKey('ed25519');
    ledger.advance(3_600_000); // 03:00
    await ledger.invoke(contract, 'RotateDeviceKey', [rotateRequest(counter.did, k2, 2, 'MallAMSP')], IDS.mallAAdmin);
    const late = { periodStart: '2026-03-01T02:45:00Z', periodEnd: '2026-03-01T03:00:00Z' };
    await refused(batch(entry(counter, counter.did, 1, late)), `DEVICE_KEY: ${counter.did}#key-1 was not valid at`);
    // Measured before the rotation: the old key still vouches for it.
    expect(await anchored(batch(entry(counter, counter.did, 1)))).toEqual([[counter.did, 1]]);
    expect(await anchored(batch(entry(k2, counter.did, 2, { ...late, kid: `${counter.did}#key-2` })))).toEqual([
      [counter.did, 2],
    ]);
    // The new key cannot sign for a period before it existed.
    await refused(batch(entry(k2, counter.did, 3, { kid: `${counter.did}#key-2` })), 'DEVICE_KEY');
    await refused(batch(entry(k2, counter.did, 3, { kid: `${counter.did}#key-9` })), 'is not a key of');
  });

  it('starts key validity at the whole second of its registration (records carry whole seconds)', async () => {
    // Registered at 02:30:00.700; a counter's record of that same second says 02:30:00.
    ledger.now = Date.parse('2026-03-01T02:30:00.700Z');
    const fresh = newKey();
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(fresh, 'MallAMSP')], IDS.mallAAdmin);
    const sameSecond = { periodStart: '2026-03-01T02:15:00Z', periodEnd: '2026-03-01T02:30:00Z' };
    const secondBefore = { periodStart: '2026-03-01T02:15:00Z', periodEnd: '2026-03-01T02:29:59Z' };
    await refused(batch(entry(fresh, fresh.did, 1, secondBefore)), `DEVICE_KEY: ${fresh.did}#key-1 was not valid at`);
    expect(await anchored(batch(entry(fresh, fresh.did, 1, sameSecond)))).toEqual([[fresh.did, 1]]);
    // A rotation at 03:00:00.400: the new key signs for 03:00:00, not 02:59:59; the old key keeps its exact end.
    ledger.now = Date.parse('2026-03-01T03:00:00.400Z');
    const k2 = newKey();
    await ledger.invoke(contract, 'RotateDeviceKey', [rotateRequest(fresh.did, k2, 2, 'MallAMSP')], IDS.mallAAdmin);
    const k2Opts = { kid: `${fresh.did}#key-2`, periodStart: '2026-03-01T02:45:00Z' };
    await refused(batch(entry(k2, fresh.did, 2, { ...k2Opts, periodEnd: '2026-03-01T02:59:59Z' })), 'DEVICE_KEY');
    expect(await anchored(batch(entry(k2, fresh.did, 2, { ...k2Opts, periodEnd: '2026-03-01T03:00:00Z' })))).toEqual([
      [fresh.did, 2],
    ]);
    const afterEnd = { periodStart: '2026-03-01T02:45:00Z', periodEnd: '2026-03-01T03:00:00.400Z' };
    await refused(batch(entry(fresh, fresh.did, 3, afterEnd)), `DEVICE_KEY: ${fresh.did}#key-1 was not valid at`);
  });

  it('refuses statements signed with a key after its reported compromise', async () => {
    ledger.advance(3_600_000); // 03:00
    const extra = { compromisedAt: '2026-03-01T01:50:00Z' };
    await ledger.invoke(
      contract,
      'RotateDeviceKey',
      [rotateRequest(counter.did, newKey(), 2, 'MallAMSP', extra)],
      IDS.mallAAdmin,
    );
    await refused(batch(entry(counter, counter.did, 1)), 'DEVICE_KEY');
    const early = { periodStart: '2026-03-01T01:30:00Z', periodEnd: '2026-03-01T01:45:00Z' };
    expect(await anchored(batch(entry(counter, counter.did, 1, early)))).toEqual([[counter.did, 1]]);
  });

  it('reports statements anchored before a key compromise became known as untrusted', async () => {
    await submit(
      batch(
        entry(counter, counter.did, 1, { periodStart: '2026-03-01T01:00:00Z', periodEnd: '2026-03-01T01:15:00Z' }),
        entry(counter, counter.did, 2),
      ),
    );
    const extra = { compromisedAt: '2026-03-01T01:30:00Z' };
    await ledger.invoke(
      contract,
      'RotateDeviceKey',
      [rotateRequest(counter.did, newKey(), 2, 'MallAMSP', extra)],
      IDS.mallAAdmin,
    );
    expect(await verify(counter.did, 1, digestOf(`records ${counter.did} 1`))).toMatchObject({
      match: true,
      trusted: true,
    });
    expect(await verify(counter.did, 2, digestOf(`records ${counter.did} 2`))).toMatchObject({
      match: true,
      trusted: false,
    });
  });

  it('refuses a revoked device and reports its statements after the compromise time untrusted', async () => {
    const before = { periodStart: '2026-03-01T01:00:00Z', periodEnd: '2026-03-01T01:15:00Z' };
    await submit(batch(entry(counter, counter.did, 1, before), entry(counter, counter.did, 2)));
    await ledger.invoke(
      contract,
      'RevokeDevice',
      [JSON.stringify({ did: counter.did, compromisedAt: '2026-03-01T01:30:00Z' })],
      IDS.mallAAdmin,
    );
    await refused(batch(entry(counter, counter.did, 3, before)), `DEVICE_INACTIVE: ${counter.did} is revoked`);
    expect(await verify(counter.did, 1, digestOf(`records ${counter.did} 1`))).toMatchObject({
      match: true,
      trusted: true,
    });
    expect(await verify(counter.did, 2, digestOf(`records ${counter.did} 2`))).toMatchObject({
      match: true,
      trusted: false,
    });
  });

  it('refuses a suspended device until it is reactivated', async () => {
    await ledger.invoke(contract, 'SuspendDevice', [JSON.stringify({ did: counter.did })], IDS.mallAAdmin);
    await refused(batch(entry(counter, counter.did, 1)), 'DEVICE_INACTIVE');
    await ledger.invoke(contract, 'ReactivateDevice', [JSON.stringify({ did: counter.did })], IDS.mallAAdmin);
    expect(await anchored(batch(entry(counter, counter.did, 1)))).toEqual([[counter.did, 1]]);
  });

  it('bounds the measurement time around the transaction time', async () => {
    const future = { periodStart: '2026-03-01T02:00:00Z', periodEnd: '2026-03-01T02:05:01Z' };
    await refused(
      batch(entry(counter, counter.did, 1, future)),
      'DEVICE_WINDOW: periodEnd 2026-03-01T02:05:01Z lies in the future',
    );
    const skewed = { periodStart: '2026-03-01T02:00:00Z', periodEnd: '2026-03-01T02:05:00Z' };
    expect(await anchored(batch(entry(counter, counter.did, 1, skewed)))).toEqual([[counter.did, 1]]);
    ledger.advance(7 * 86_400_000 + 5 * 60_000 + 1);
    await refused(batch(entry(counter, counter.did, 2, skewed)), 'older than the 7-day submission window');
  });

  it('enforces the algorithm allow-list and a matching alg', async () => {
    await refused(
      batch({ ...entry(counter, counter.did, 1), alg: 'HS256' }),
      'DEVICE_ALG: algorithm HS256 is not allowed',
    );
    await refused(batch({ ...entry(counter, counter.did, 1), alg: 'EdDSA' }), 'DEVICE_ALG');
    expect(await anchored(batch({ ...entry(counter, counter.did, 1), alg: 'ES256' }))).toEqual([[counter.did, 1]]);
  });

  it('accepts only the owner mall, or a registered gateway that relays with its own signature', async () => {
    await refused(
      batch(entry(counter, counter.did, 1)),
      /AUTH_FORBIDDEN: .* belongs to MallAMSP; caller is MallBMSP/,
      IDS.mallBClient,
    );
    await refused(batch(entry(counter, counter.did, 1)), 'AUTH_ROLE', IDS.unknown);
    const viaGateway = relayed(entry(counter, counter.did, 1), gateway);
    const result = await submit(batch(viaGateway), IDS.mallBClient);
    expect(result.anchored).toHaveLength(1);
    expect((await verify(counter.did, 1, digestOf(`records ${counter.did} 1`))).attestation).toMatchObject({
      submittedBy: 'MallBMSP',
      relay: { gatewayDid: gateway.did },
    });
    // The relay signature must be the gateway's, the gateway must be a gateway, and its mall must submit.
    const badRelay = relayed(entry(counter, counter.did, 2), otherMall);
    await refused(
      batch({ ...badRelay, relay: { ...(badRelay.relay as object), gatewayDid: gateway.did } }),
      'AUTH_SIGNATURE',
      IDS.mallBClient,
    );
    await refused(
      batch(relayed(entry(counter, counter.did, 2), otherMall)),
      `DEVICE_RELAY: ${otherMall.did} is not an active registered gateway`,
      IDS.mallBClient,
    );
    await refused(batch(relayed(entry(counter, counter.did, 2), gateway)), 'AUTH_FORBIDDEN: gateway', IDS.mallAClient);
  });

  describe('refuses malformed batches and writes nothing', () => {
    const good = (): Record<string, unknown> => entry(counter, counter.did, 1);
    const withStatement = (change: Record<string, unknown>): Record<string, unknown> => {
      const e = good();
      return { ...e, statement: { ...(e.statement as object), ...change } };
    };
    const cases: [string, () => string, string][] = [
      ['not JSON', () => 'nope', 'request: is not valid JSON'],
      ['no attestations', () => '{}', 'attestations: must be an array'],
      ['an empty batch', () => batch(), 'attestations: must have at least 1'],
      ['an oversized batch', () => batch(...Array.from({ length: 201 }, good)), 'attestations: must have at most 200'],
      ['an unknown entry member', () => batch({ ...good(), note: 'x' }), 'attestation: unsupported member "note"'],
      [
        'an unknown statement member',
        () => batch(withStatement({ mall: 'A' })),
        'statement: unsupported member "mall"',
      ],
      ['a zero seq', () => batch(withStatement({ seq: 0 })), 'seq: must be at least 1'],
      ['a fractional count', () => batch(withStatement({ count: 1.5 })), 'count: must be an integer'],
      [
        'a local time',
        () => batch(withStatement({ periodEnd: '2026-03-01 10:00:00' })),
        'periodEnd: must be an ISO-8601',
      ],
      [
        'an inverted period',
        () => batch(withStatement({ periodStart: '2026-03-01T02:00:01Z' })),
        'periodEnd: must not be before periodStart',
      ],
      ['a period over a day', () => batch(withStatement({ periodStart: '2026-02-27T00:00:00Z' })), 'at most one day'],
      [
        'an uppercase digest',
        () => batch(withStatement({ digest: 'A'.repeat(64) })),
        'digest: must be 64 lowercase hex',
      ],
      ['a bad kind', () => batch(withStatement({ kind: 'Foot Traffic' })), 'kind: must be a lowercase name'],
      [
        'an oversized summary',
        () => batch(withStatement({ summary: { x: 'y'.repeat(1100) } })),
        'statement.summary: must be at most 1024',
      ],
      [
        'a summary that is not an object',
        () => batch(withStatement({ summary: [1] })),
        'statement.summary: must be a JSON object',
      ],
      ['a non-base64url signature', () => batch({ ...good(), signature: '+/=' }), 'signature: must be base64url'],
      ['an unregistered device', () => batch(entry(newKey(), newKey().did, 1)), 'NOT_FOUND: device'],
      [
        'a relay without signature',
        () => batch({ ...good(), relay: { gatewayDid: gateway.did, kid: 'k' } }),
        'signature: must be a string',
      ],
    ];
    it.each(cases)('%s', async (_label, build, message) => {
      await refused(build(), message);
    });
  });

  it('authorization matrix: SubmitAttestations by the owner mall only; queries by anyone', async () => {
    const everyone = Object.entries(IDS) as [string, Identity][];
    for (const [name, who] of everyone) {
      const e = entry(counter, counter.did, 1);
      const fresh = new Ledger();
      await fresh.invoke(contract, 'RegisterDevice', [registerRequest(counter, 'MallAMSP')], IDS.mallAAdmin);
      const before = fresh.dump();
      const attempt = fresh.invoke(contract, 'SubmitAttestations', [batch(e)], who);
      if (name === 'mallAAdmin' || name === 'mallAClient') {
        await expect(attempt).resolves.toBeDefined();
        const arg = JSON.stringify({ deviceDid: counter.did, seq: 1, digest: digestOf(`records ${counter.did} 1`) });
        for (const [, reader] of everyone) {
          await expect(fresh.invoke(contract, 'VerifyDigest', [arg], reader)).resolves.toMatchObject({
            result: { match: true },
          });
        }
      } else {
        await expect(attempt).rejects.toThrow(/AUTH_(ROLE|FORBIDDEN)/);
        expect(fresh.dump()).toEqual(before);
      }
    }
  });
});
