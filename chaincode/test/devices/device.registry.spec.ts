import { DeviceContract } from '../../src/devices/device.contract';
import { IDS, Identity, Ledger } from '../support/fake-stub';
import { newKey, registerRequest, rotateRequest } from '../support/devices-fixtures';

interface DeviceView {
  did: string;
  ownerMsp: string;
  status: string;
  statusReason?: string;
  compromisedAt?: string;
  lastSeq: number;
  keys: { kid: string; alg: string; validFrom: string; validTo?: string; compromisedAt?: string }[];
}

describe('devices registry', () => {
  const contract = new DeviceContract();
  let ledger: Ledger;

  beforeEach(() => {
    ledger = new Ledger();
  });

  async function get(did: string, who: Identity = IDS.mallBClient): Promise<DeviceView> {
    return (await ledger.invoke<DeviceView>(contract, 'GetDevice', [JSON.stringify({ did })], who)).result;
  }

  it('registers a device with its first key, owned by the registering mall', async () => {
    const k = newKey('ed25519');
    const { result, event } = await ledger.invoke<DeviceView>(
      contract,
      'RegisterDevice',
      [registerRequest(k, 'MallAMSP')],
      IDS.mallAAdmin,
    );
    expect(result).toMatchObject({
      did: k.did,
      ownerMsp: 'MallAMSP',
      type: 'people_counter',
      status: 'active',
      location: { site: 'Mall A', floor: 'F1', zone: 'Atrium', entrance: 'North gate' },
      keys: [{ kid: `${k.did}#key-1`, alg: 'EdDSA', validFrom: '2026-03-01T02:00:00.000Z' }],
    });
    expect(event?.payload).toMatchObject({ changes: [{ entity: 'device', id: `dev/${k.did}` }] });
    expect(await get(k.did)).toMatchObject({ did: k.did, lastSeq: 0 });
  });

  it('rotates keys keeping each validity interval, and records a compromised old key', async () => {
    const k1 = newKey();
    const k2 = newKey('ed25519');
    const k3 = newKey();
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(k1, 'MallAMSP')], IDS.mallAAdmin);
    ledger.advance(3_600_000);
    await ledger.invoke(contract, 'RotateDeviceKey', [rotateRequest(k1.did, k2, 2, 'MallAMSP')], IDS.mallAAdmin);
    ledger.advance(3_600_000);
    const extra = { compromisedAt: '2026-03-01T03:30:00Z' };
    await ledger.invoke(contract, 'RotateDeviceKey', [rotateRequest(k1.did, k3, 3, 'MallAMSP', extra)], IDS.mallAAdmin);
    const keys = (
      await ledger.invoke<DeviceView>(contract, 'GetDeviceKeys', [JSON.stringify({ did: k1.did })], IDS.unknown)
    ).result.keys;
    expect(keys).toEqual([
      expect.objectContaining({
        kid: `${k1.did}#key-1`,
        validFrom: '2026-03-01T02:00:00.000Z',
        validTo: '2026-03-01T03:00:00.000Z',
      }),
      expect.objectContaining({
        kid: `${k1.did}#key-2`,
        alg: 'EdDSA',
        validFrom: '2026-03-01T03:00:00.000Z',
        validTo: '2026-03-01T04:00:00.000Z',
        compromisedAt: '2026-03-01T03:30:00.000Z',
      }),
      expect.objectContaining({ kid: `${k1.did}#key-3`, validFrom: '2026-03-01T04:00:00.000Z' }),
    ]);
    expect(keys[0]!.compromisedAt).toBeUndefined();
    expect(keys[2]!.validTo).toBeUndefined();
  });

  it('suspends, reactivates and revokes with a compromise time; revocation is final', async () => {
    const k = newKey();
    const req = (extra: Record<string, unknown> = {}): string[] => [JSON.stringify({ did: k.did, ...extra })];
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallBMSP')], IDS.mallBAdmin);
    await ledger.invoke(contract, 'SuspendDevice', req({ reason: 'lens covered' }), IDS.mallBAdmin);
    expect(await get(k.did)).toMatchObject({ status: 'suspended', statusReason: 'lens covered' });
    await expect(ledger.invoke(contract, 'SuspendDevice', req(), IDS.mallBAdmin)).rejects.toThrow(
      `DEVICE_STATE: cannot suspend ${k.did}: it is suspended`,
    );
    await ledger.invoke(contract, 'ReactivateDevice', req(), IDS.mallBAdmin);
    expect((await get(k.did)).status).toBe('active');
    expect((await get(k.did)).statusReason).toBeUndefined();
    await expect(ledger.invoke(contract, 'ReactivateDevice', req(), IDS.mallBAdmin)).rejects.toThrow('DEVICE_STATE');
    ledger.advance(60_000);
    await ledger.invoke(
      contract,
      'RevokeDevice',
      req({ compromisedAt: '2026-03-01T01:00:00Z', reason: 'stolen' }),
      IDS.mallBAdmin,
    );
    expect(await get(k.did)).toMatchObject({ status: 'revoked', compromisedAt: '2026-03-01T01:00:00.000Z' });
    const before = ledger.dump();
    for (const fn of ['SuspendDevice', 'ReactivateDevice', 'RevokeDevice']) {
      await expect(ledger.invoke(contract, fn, req(), IDS.mallBAdmin)).rejects.toThrow('DEVICE_STATE');
    }
    await expect(
      ledger.invoke(contract, 'RotateDeviceKey', [rotateRequest(k.did, newKey(), 2, 'MallBMSP')], IDS.mallBAdmin),
    ).rejects.toThrow('DEVICE_STATE: cannot rotate a key of');
    expect(ledger.dump()).toEqual(before);
  });

  it('revokes at the transaction time when no compromise time is given', async () => {
    const k = newKey();
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallAMSP')], IDS.mallAAdmin);
    await ledger.invoke(contract, 'RevokeDevice', [JSON.stringify({ did: k.did })], IDS.mallAAdmin);
    expect((await get(k.did)).compromisedAt).toBe('2026-03-01T02:00:00.000Z');
  });

  describe('refuses bad input and writes nothing', () => {
    const k = newKey();
    const registerCases: [string, string, string][] = [
      ['not JSON', '{', 'request: is not valid JSON'],
      ['an unknown type', registerRequest(k, 'MallAMSP', { type: 'camera' }), 'type: must be one of people_counter'],
      [
        'a DID of another key',
        registerRequest(k, 'MallAMSP', { overrides: { did: newKey().did } }),
        'did: must be did:mallchain:<JWK thumbprint',
      ],
      [
        'a malformed DID',
        registerRequest(k, 'MallAMSP', { overrides: { did: 'did:mallchain:short' } }),
        'did: must be did:mallchain:',
      ],
      [
        'a bad firmware digest',
        registerRequest(k, 'MallAMSP', { overrides: { firmwareDigest: 'abc' } }),
        'firmwareDigest: must have at least 64',
      ],
      [
        'no site',
        registerRequest(k, 'MallAMSP', { overrides: { location: { floor: 'F1' } } }),
        'site: must be a string',
      ],
      [
        'an unknown location member',
        registerRequest(k, 'MallAMSP', { overrides: { location: { site: 'A', gps: '1,2' } } }),
        'location: unsupported member "gps"',
      ],
      [
        'a control character in the model',
        registerRequest(k, 'MallAMSP', { overrides: { model: 'PC\n1' } }),
        'model: must be a short label',
      ],
      [
        'a private key',
        registerRequest(k, 'MallAMSP', { overrides: { publicKeyJwk: { ...k.jwk, d: 'x' } } }),
        'must not contain private key material',
      ],
      ['no proof', registerRequest(k, 'MallAMSP', { overrides: { proof: undefined } }), 'proof: must be a JSON object'],
      ['a proof for another mall', registerRequest(k, 'MallBMSP'), 'AUTH_SIGNATURE: proof of possession'],
      ['a proof for another channel', registerRequest(k, 'MallAMSP', { channel: 'other' }), 'AUTH_SIGNATURE'],
    ];
    it.each(registerCases)('RegisterDevice with %s', async (_label, arg, message) => {
      await expect(ledger.invoke(contract, 'RegisterDevice', [arg], IDS.mallAAdmin)).rejects.toThrow(message);
      expect(ledger.dump()).toEqual({});
    });

    it('RegisterDevice twice', async () => {
      await ledger.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallAMSP')], IDS.mallAAdmin);
      const before = ledger.dump();
      await expect(
        ledger.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallAMSP')], IDS.mallAAdmin),
      ).rejects.toThrow('DEVICE_EXISTS');
      expect(ledger.dump()).toEqual(before);
    });

    it('RotateDeviceKey, SuspendDevice, ReactivateDevice, RevokeDevice with bad requests', async () => {
      const d = newKey();
      const n = newKey();
      await ledger.invoke(contract, 'RegisterDevice', [registerRequest(d, 'MallAMSP')], IDS.mallAAdmin);
      const before = ledger.dump();
      const cases: [string, string, string][] = [
        ['RotateDeviceKey', rotateRequest(d.did, d, 2, 'MallAMSP'), 'publicKeyJwk: this key was already used'],
        ['RotateDeviceKey', rotateRequest(d.did, n, 3, 'MallAMSP'), 'AUTH_SIGNATURE'],
        [
          'RotateDeviceKey',
          rotateRequest(d.did, n, 2, 'MallAMSP', { compromisedAt: '2027-01-01T00:00:00Z' }),
          'compromisedAt: must not be in the future',
        ],
        [
          'RotateDeviceKey',
          rotateRequest(d.did, n, 2, 'MallAMSP', { compromisedAt: 'soon' }),
          'compromisedAt: must be an ISO-8601',
        ],
        [
          'RotateDeviceKey',
          JSON.stringify({ did: d.did, proof: { signature: 'x' } }),
          'publicKeyJwk: must be a JSON object',
        ],
        ['RotateDeviceKey', rotateRequest(newKey().did, n, 2, 'MallAMSP'), 'NOT_FOUND: device'],
        ['SuspendDevice', JSON.stringify({ did: 42 }), 'did: must be a string'],
        ['SuspendDevice', JSON.stringify({ did: d.did, reason: 'x'.repeat(257) }), 'reason: must have at most 256'],
        ['ReactivateDevice', '[]', 'request: must be a JSON object'],
        [
          'RevokeDevice',
          JSON.stringify({ did: d.did, compromisedAt: '2026-03-02T00:00:00Z' }),
          'compromisedAt: must not be in the future',
        ],
        ['RevokeDevice', JSON.stringify({ did: newKey().did }), 'NOT_FOUND'],
      ];
      for (const [fn, arg, message] of cases) {
        await expect(ledger.invoke(contract, fn, [arg], IDS.mallAAdmin)).rejects.toThrow(message);
      }
      expect(ledger.dump()).toEqual(before);
    });

    it('queries with bad requests', async () => {
      const cases: [string, string, string][] = [
        ['GetDevice', '{}', 'did: must be a string'],
        ['GetDevice', JSON.stringify({ did: newKey().did }), 'NOT_FOUND: device'],
        ['GetDeviceKeys', 'x', 'request: is not valid JSON'],
      ];
      for (const [fn, arg, message] of cases) {
        await expect(ledger.invoke(contract, fn, [arg], IDS.mallAAdmin)).rejects.toThrow(message);
      }
    });
  });

  describe('authorization matrix (device owned by Mall A)', () => {
    const everyone = Object.entries(IDS) as [string, Identity][];

    it('RegisterDevice: any mall admin, for its own mall', async () => {
      for (const [name, who] of everyone) {
        const fresh = new Ledger();
        const k = newKey();
        const attempt = fresh.invoke(contract, 'RegisterDevice', [registerRequest(k, who.mspId)], who);
        if (name === 'mallAAdmin' || name === 'mallBAdmin') {
          await expect(attempt).resolves.toMatchObject({ result: { ownerMsp: who.mspId } });
        } else {
          await expect(attempt).rejects.toThrow(/AUTH_ROLE/);
          expect(fresh.dump()).toEqual({});
        }
      }
    });

    // The third column is a transaction that prepares the device ('' for none).
    const ops: [string, (did: string) => string, string][] = [
      ['RotateDeviceKey', (did) => rotateRequest(did, newKey(), 2, 'MallAMSP'), ''],
      ['SuspendDevice', (did) => JSON.stringify({ did }), ''],
      ['ReactivateDevice', (did) => JSON.stringify({ did }), 'SuspendDevice'],
      ['RevokeDevice', (did) => JSON.stringify({ did }), ''],
    ];
    it.each(ops)('%s: only the owner mall admin', async (fn, build, setup) => {
      for (const [name, who] of everyone) {
        const fresh = new Ledger();
        const k = newKey();
        await fresh.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallAMSP')], IDS.mallAAdmin);
        if (setup) await fresh.invoke(contract, setup, [JSON.stringify({ did: k.did })], IDS.mallAAdmin);
        const before = fresh.dump();
        const attempt = fresh.invoke(contract, fn, [build(k.did)], who);
        if (name === 'mallAAdmin') {
          await expect(attempt).resolves.toBeDefined();
          expect(fresh.dump()).not.toEqual(before);
        } else {
          await expect(attempt).rejects.toThrow(/AUTH_(ROLE|FORBIDDEN)/);
          expect(fresh.dump()).toEqual(before);
        }
      }
    });

    it('GetDevice and GetDeviceKeys: every identity gets the same answer', async () => {
      const k = newKey();
      await ledger.invoke(contract, 'RegisterDevice', [registerRequest(k, 'MallAMSP')], IDS.mallAAdmin);
      for (const fn of ['GetDevice', 'GetDeviceKeys']) {
        const answers = await Promise.all(
          everyone.map(
            async ([, who]) => (await ledger.invoke(contract, fn, [JSON.stringify({ did: k.did })], who)).result,
          ),
        );
        for (const a of answers) expect(a).toEqual(answers[0]);
      }
    });
  });
});
