import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { recordsDigest, trafficStatement } from '../../huina/device-proof';
import { caSignature } from '../../huina/huina-signature';
import { formatShanghai, parseShanghai } from '../../huina/shanghai-time';
import { INTERVAL_MINUTES, type IntervalCode, validateTrafficPush } from '../../huina/traffic.validator';
import { DeviceLedger } from '../../ledger/domain/device.ledger';
import { deviceKeyOf, type DeviceKey, signJcs } from '../device-key';

/** A counting site of the simulated tree. */
export interface SimSite {
  readonly siteKey: string;
  readonly siteName: string;
  readonly siteType: number;
  readonly parentSiteKey?: string;
}

/** Mall › floor › two entrances: the entrances count, the others carry the tree. */
export function siteTree(prefix: string): SimSite[] {
  return [
    { siteKey: prefix, siteName: `${prefix} mall`, siteType: 300 },
    { siteKey: `${prefix}-F1`, siteName: 'Floor 1', siteType: 500, parentSiteKey: prefix },
    { siteKey: `${prefix}-F1-N`, siteName: 'North gate', siteType: 700, parentSiteKey: `${prefix}-F1` },
    { siteKey: `${prefix}-F1-S`, siteName: 'South gate', siteType: 700, parentSiteKey: `${prefix}-F1` },
  ];
}

/** Device types the simulators play. */
export type SimulatedDeviceType = 'people_counter' | 'receipt_printer';

const SIM_MODEL: Record<SimulatedDeviceType, string> = {
  people_counter: 'SIM-COUNTER',
  receipt_printer: 'SIM-PRINTER',
};

/** A simulated device's key file (PKCS#8 PEM) and its sequence file `<key>.seq`, created on first use. */
export class DeviceIdentity {
  readonly key: DeviceKey;

  constructor(
    readonly keyFile: string,
    readonly deviceType: SimulatedDeviceType = 'people_counter',
  ) {
    if (!existsSync(keyFile)) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    }
    this.key = deviceKeyOf(createPrivateKey(readFileSync(keyFile)));
  }

  /** The next sequence number, persisted (fsync) before use: a crash never reuses one. */
  nextSeq(): number {
    const file = `${this.keyFile}.seq`;
    const seq = (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0) + 1;
    const fd = openSync(file, 'w');
    writeSync(fd, String(seq));
    fsyncSync(fd);
    closeSync(fd);
    return seq;
  }

  /** The body of `POST /v1/devices`, with the proof of possession signed by this key. */
  registration(channel: string, chaincode: string, ownerMsp: string, site: string): object {
    const did = this.key.did;
    const pop = DeviceLedger.possession('registerDevice', { channel, chaincode, did, kid: `${did}#key-1`, ownerMsp });
    return {
      did,
      type: this.deviceType,
      model: SIM_MODEL[this.deviceType],
      firmwareDigest: '0'.repeat(64),
      location: { site },
      publicKeyJwk: this.key.publicKeyJwk,
      proof: { signature: signJcs(this.key.privateKey, pop) },
    };
  }
}

/** A people counter's identity. */
export class CounterIdentity extends DeviceIdentity {}

/**
 * Records of the tree's entrances for the buckets [from, to) of `interval`, counted as of `asOf` (a bucket
 * still open carries a provisional count and `modifyTime = asOf`). Counts are a deterministic function of the
 * site, the bucket and the revision, so a later revision changes them.
 */
export function counterRecords(
  sites: readonly SimSite[],
  fromMs: number,
  toMs: number,
  interval: IntervalCode,
  asOfMs: number,
): object[] {
  const step = INTERVAL_MINUTES[interval] * 60_000;
  const out: object[] = [];
  for (let t = fromMs; t < toMs && t <= asOfMs; t += step) {
    const modify = Math.min(t + step, asOfMs);
    for (const s of sites.filter((x) => x.siteType === 700)) {
      const base = (t / step + s.siteKey.length) % 50;
      out.push({
        ...s,
        dataTime: formatShanghai(t),
        interval,
        inNum: base + Math.floor((modify - t) / 60_000),
        outNum: base,
        modifyTime: formatShanghai(modify),
        deviceHost: 'sim-counter',
        channel: s.siteKey.slice(-1),
      });
    }
  }
  return out;
}

/** A whole push body with its deviceProof (the counter's signature over the statement derived from the records). */
export function provenPush(
  id: DeviceIdentity,
  customerId: string,
  records: object[],
  channel: string,
  seq: number,
): object {
  const parsed = validateTrafficPush({ customerId, records }, Date.now()).records;
  const statement = trafficStatement(parsed, { deviceDid: id.key.did, seq }, channel);
  const signature = signJcs(id.key.privateKey, statement);
  return {
    customerId,
    records,
    deviceProof: { deviceDid: id.key.did, seq, digest: recordsDigest(records), signature },
  };
}

/** The X-Ca-* headers for a request. */
export function caHeaders(
  appId: string,
  secret: Buffer,
  method: string,
  path: string,
  body: string,
): Record<string, string> {
  const timestamp = String(Date.now());
  const nonce = randomBytes(12).toString('hex');
  const signature = caSignature(secret, { method, path, timestamp, nonce, body: Buffer.from(body) });
  return {
    'x-ca-key': appId,
    'x-ca-timestamp': timestamp,
    'x-ca-nonce': nonce,
    'x-ca-signature': signature,
    'content-type': 'application/json',
  };
}

export function localMs(text: string): number {
  const ms = parseShanghai(text);
  if (ms === undefined) throw new Error(`not a yyyy-MM-dd HH:mm:ss time: ${text}`);
  return ms;
}
