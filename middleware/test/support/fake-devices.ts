import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { DeviceKeysView, DeviceStatement, PublicJwk } from '../../src/ledger/domain/device.ledger';
import { verifyRawSignature } from '../../src/common/raw-signature';
import { ChaincodeRejectedError, MvccConflictError } from '../../src/ledger/ledger.port';
import type { FakeContract } from './fake-ledger';

interface Device {
  did: string;
  ownerMsp: string;
  type: string;
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

  register(did: string, publicKeyJwk: PublicJwk, validFrom = '2020-01-01T00:00:00Z', type = 'people_counter'): void {
    this.devices.set(did, {
      did,
      ownerMsp: 'MallAMSP',
      type,
      status: 'active',
      keys: [{ kid: `${did}#key-1`, publicKeyJwk, alg: 'ES256', validFrom }],
      lastSeq: 0,
    });
  }

  /** As `devices:RotateDeviceKey`: the current key ends at `at`, the new one starts there. */
  rotate(did: string, publicKeyJwk: PublicJwk, at = new Date().toISOString()): string {
    const d = this.devices.get(did) ?? reject('NOT_FOUND', `device ${did} does not exist`);
    const current = d.keys.at(-1);
    if (current) current.validTo = at;
    const kid = `${did}#key-${d.keys.length + 1}`;
    d.keys.push({ kid, publicKeyJwk, alg: 'ES256', validFrom: at });
    return kid;
  }

  handles(fn: string): boolean {
    return fn.startsWith('devices:');
  }

  submit(fn: string, args: readonly string[]): { result: string; changes: unknown[] } {
    const req = JSON.parse(args[0] ?? '{}') as Record<string, unknown>;
    if (fn === 'devices:SubmitAttestations') return this.#attest(req.attestations as Entry[]);
    const did = req.did as string;
    if (fn === 'devices:RegisterDevice') {
      if (this.devices.has(did)) reject('DEVICE_EXISTS', `${did} is already registered`);
      this.register(did, req.publicKeyJwk as PublicJwk, undefined, req.type as string);
      const d = this.devices.get(did) as Device;
      d.type = req.type as string;
      return this.#changed(d);
    }
    const d = this.devices.get(did) ?? reject('NOT_FOUND', `device ${did} does not exist`);
    const moves: Record<string, [Device['status'][], Device['status']]> = {
      'devices:SuspendDevice': [['active'], 'suspended'],
      'devices:ReactivateDevice': [['suspended'], 'active'],
      'devices:RevokeDevice': [['active', 'suspended'], 'revoked'],
    };
    const move = moves[fn] ?? reject('INPUT_INVALID', `unknown function ${fn}`);
    if (!move[0].includes(d.status)) reject('DEVICE_STATE', `${did} is ${d.status}`);
    d.status = move[1];
    return this.#changed(d);
  }

  #changed(d: Device): { result: string; changes: unknown[] } {
    const record = { did: d.did, ownerMsp: d.ownerMsp, type: d.type, status: d.status, keys: d.keys };
    return {
      result: JSON.stringify(record),
      changes: [{ entity: 'device', id: `dev/${d.did}`, op: 'put', data: record }],
    };
  }

  /**
   * The attestations take effect when their transaction commits, not when it is endorsed: one that is endorsed but
   * never ordered (a crash between signing and sending) has written nothing. A seq that moved between endorsement
   * and commit is an MVCC conflict on `devseq/[did]`, as on a peer.
   */
  commit(fn: string, args: readonly string[]): void {
    if (fn !== 'devices:SubmitAttestations') return;
    const attestations = (JSON.parse(args[0] ?? '{}') as { attestations: Entry[] }).attestations;
    try {
      this.#checkAll(attestations);
    } catch (e) {
      throw new MvccConflictError(`MVCC_READ_CONFLICT: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const e of attestations) {
      this.attestations.set(`${e.statement.deviceDid}#${e.statement.seq}`, e);
      (this.devices.get(e.statement.deviceDid) as Device).lastSeq = e.statement.seq;
    }
  }

  #checkAll(attestations: Entry[]): { deviceDid: string; seq: number; statementHash: string }[] {
    // As the chaincode: each entry's seq must pass the device's last one including the entries before it here.
    const last = new Map<string, number>();
    return attestations.map((e) => {
      const r = this.#check(e, last.get(e.statement.deviceDid));
      last.set(r.deviceDid, r.seq);
      return r;
    });
  }

  #attest(attestations: Entry[]): { result: string; changes: unknown[] } {
    const anchored = this.#checkAll(attestations);
    const changes = attestations.map((e) => ({
      entity: 'attestation',
      id: `att/${e.statement.deviceDid}/${e.statement.seq}`,
      op: 'put',
      data: { statement: e.statement, kid: e.kid, signature: e.signature },
    }));
    return { result: JSON.stringify({ anchored }), changes };
  }

  #check(e: Entry, batchLast?: number): { deviceDid: string; seq: number; statementHash: string } {
    const s = e.statement;
    if (s.channel !== this.channel) reject('DEVICE_CHANNEL', `statement is for ${s.channel}`);
    const d = this.devices.get(s.deviceDid) ?? reject('NOT_FOUND', `device ${s.deviceDid} does not exist`);
    if (d.status !== 'active') reject('DEVICE_INACTIVE', `device is ${d.status}`);
    const k = d.keys.find((x) => x.kid === e.kid) ?? reject('DEVICE_KEY', `${e.kid} is not a key of the device`);
    // keyValidAt: from the whole second of validFrom to the exact validTo.
    const at = Date.parse(s.periodEnd);
    if (
      Math.floor(Date.parse(k.validFrom) / 1000) * 1000 > at ||
      (k.validTo !== undefined && at >= Date.parse(k.validTo))
    )
      reject('DEVICE_KEY', `${e.kid} was not valid at ${s.periodEnd}`);
    const bytes = Buffer.from(canonicalize(s) ?? '');
    if (!verifyRawSignature(k.publicKeyJwk, bytes, e.signature)) reject('AUTH_SIGNATURE', 'signature does not verify');
    const lastSeq = batchLast ?? d.lastSeq;
    if (s.seq <= lastSeq) reject('DEVICE_SEQ', `seq ${s.seq} is not above ${lastSeq}`);
    return { deviceDid: s.deviceDid, seq: s.seq, statementHash: createHash('sha256').update(bytes).digest('hex') };
  }

  evaluate(fn: string, args: readonly string[]): string {
    const req = JSON.parse(args[0] ?? '{}') as { did?: string; deviceDid?: string; seq?: number; digest?: string };
    if (fn === 'devices:GetDevice') {
      const d = this.devices.get(req.did ?? '') ?? reject('NOT_FOUND', `device ${req.did ?? ''} does not exist`);
      const view: DeviceKeysView = { did: req.did ?? '', type: d.type, status: d.status, keys: d.keys };
      return JSON.stringify(view);
    }
    if (fn === 'devices:VerifyDigest') {
      const a =
        this.attestations.get(`${req.deviceDid ?? ''}#${req.seq ?? 0}`) ?? reject('NOT_FOUND', 'no such attestation');
      const match = a.statement.digest === req.digest;
      const d = this.devices.get(a.statement.deviceDid);
      return JSON.stringify({
        match,
        trusted: match,
        anchoredDigest: a.statement.digest,
        ownerMsp: d?.ownerMsp,
        deviceStatus: d?.status,
        attestation: a,
      });
    }
    return reject('INPUT_INVALID', `unknown function ${fn}`);
  }
}
