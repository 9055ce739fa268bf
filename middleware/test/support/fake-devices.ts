import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { DeviceKeysView, DeviceStatement, PublicJwk } from '../../src/ledger/domain/device.ledger';
import { verifyStatement } from '../../src/huina/device-proof';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import type { FakeContract } from './fake-ledger';

interface Device {
  status: 'active' | 'suspended' | 'revoked';
  keys: { kid: string; publicKeyJwk: PublicJwk; alg: 'ES256'; validFrom: string; validTo?: string }[];
  lastSeq: number;
}

interface Entry {
  statement: DeviceStatement;
  kid: string;
  signature: string;
}

const reject = (code: string, detail: string): never => {
  throw new ChaincodeRejectedError(code, `${code}: ${detail}`);
};

/**
 * The `devices` contract's attestation rules for the middleware's tests: registry entries are planted directly
 * (`register`), `SubmitAttestations` checks channel, status, key validity at periodEnd, the ES256 signature over
 * JCS(statement) and the strictly increasing seq, as chaincode/src/devices does.
 */
export class FakeDevices implements FakeContract {
  readonly devices = new Map<string, Device>();
  readonly attestations = new Map<string, Entry>();

  constructor(readonly channel = 'mallchannel') {}

  register(did: string, publicKeyJwk: PublicJwk, validFrom = '2020-01-01T00:00:00Z'): void {
    this.devices.set(did, {
      status: 'active',
      keys: [{ kid: `${did}#key-1`, publicKeyJwk, alg: 'ES256', validFrom }],
      lastSeq: 0,
    });
  }

  handles(fn: string): boolean {
    return fn.startsWith('devices:');
  }

  submit(fn: string, args: readonly string[]): string {
    if (fn !== 'devices:SubmitAttestations') return reject('INPUT_INVALID', `unknown function ${fn}`);
    const { attestations } = JSON.parse(args[0] ?? '{}') as { attestations: Entry[] };
    const anchored = attestations.map((e) => this.#check(e));
    for (const e of attestations) {
      this.attestations.set(`${e.statement.deviceDid}#${e.statement.seq}`, e);
      (this.devices.get(e.statement.deviceDid) as Device).lastSeq = e.statement.seq;
    }
    return JSON.stringify({ anchored });
  }

  #check(e: Entry): { deviceDid: string; seq: number; statementHash: string } {
    const s = e.statement;
    if (s.channel !== this.channel) reject('DEVICE_CHANNEL', `statement is for ${s.channel}`);
    const d = this.devices.get(s.deviceDid) ?? reject('NOT_FOUND', `device ${s.deviceDid} does not exist`);
    if (d.status !== 'active') reject('DEVICE_INACTIVE', `device is ${d.status}`);
    const k = d.keys.find((x) => x.kid === e.kid) ?? reject('DEVICE_KEY', `${e.kid} is not a key of the device`);
    const bytes = Buffer.from(canonicalize(s) ?? '');
    if (!verifyStatement(k.publicKeyJwk, bytes, e.signature)) reject('AUTH_SIGNATURE', 'signature does not verify');
    if (s.seq <= d.lastSeq) reject('DEVICE_SEQ', `seq ${s.seq} is not above ${d.lastSeq}`);
    return { deviceDid: s.deviceDid, seq: s.seq, statementHash: createHash('sha256').update(bytes).digest('hex') };
  }

  evaluate(fn: string, args: readonly string[]): string {
    const req = JSON.parse(args[0] ?? '{}') as { did?: string; deviceDid?: string; seq?: number; digest?: string };
    if (fn === 'devices:GetDeviceKeys') {
      const d = this.devices.get(req.did ?? '') ?? reject('NOT_FOUND', `device ${req.did ?? ''} does not exist`);
      const view: DeviceKeysView = { did: req.did ?? '', status: d.status, keys: d.keys };
      return JSON.stringify(view);
    }
    if (fn === 'devices:VerifyDigest') {
      const a =
        this.attestations.get(`${req.deviceDid ?? ''}#${req.seq ?? 0}`) ?? reject('NOT_FOUND', 'no such attestation');
      const match = a.statement.digest === req.digest;
      return JSON.stringify({ match, trusted: match, anchoredDigest: a.statement.digest });
    }
    return reject('INPUT_INVALID', `unknown function ${fn}`);
  }
}
