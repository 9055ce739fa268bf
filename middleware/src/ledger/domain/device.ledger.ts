import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { answerList, jsonArg, type BatchCodec } from '../batch-codec';
import { LedgerFunctions } from '../ledger-functions';
import { ChaincodeRejectedError, LEDGER, type LedgerPort } from '../ledger.port';

/** The statement a device signs (JCS), exactly the members `devices:SubmitAttestations` accepts. */
export interface DeviceStatement {
  readonly deviceDid: string;
  readonly seq: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly kind: string;
  /** 64 lowercase hex. */
  readonly digest: string;
  readonly count: number;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly channel: string;
}

/** One `SubmitAttestations` entry. */
export interface AttestationEntry {
  readonly statement: DeviceStatement;
  readonly kid: string;
  readonly alg?: 'ES256' | 'EdDSA';
  readonly signature: string;
}

export interface PublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
}

export interface DeviceKeyView {
  readonly kid: string;
  readonly publicKeyJwk: PublicJwk;
  readonly alg: 'ES256' | 'EdDSA';
  readonly validFrom: string;
  readonly validTo?: string;
  readonly compromisedAt?: string;
}

/** The key history, the status and the registered type of a device (from `devices:GetDevice`). */
export interface DeviceKeysView {
  readonly did: string;
  /** `people_counter`, `receipt_printer`, `rfid_reader`, `gateway`. */
  readonly type: string;
  readonly status: 'active' | 'suspended' | 'revoked';
  readonly compromisedAt?: string;
  readonly keys: readonly DeviceKeyView[];
}

/** A ledger call handed to the intake (`IntakeRequest.fn` / `args`). */
/** `devices:VerifyDigest` as the ledger answers it. */
export interface DigestVerdict {
  readonly match: boolean;
  readonly trusted: boolean;
  readonly anchoredDigest: string;
  readonly ownerMsp: string;
  readonly deviceStatus: string;
  readonly statementKind: string;
}

export interface LedgerCall {
  readonly fn: string;
  readonly args: readonly string[];
}

const FN = {
  register: 'devices:RegisterDevice',
  rotate: 'devices:RotateDeviceKey',
  suspend: 'devices:SuspendDevice',
  reactivate: 'devices:ReactivateDevice',
  revoke: 'devices:RevokeDevice',
  submitAttestations: 'devices:SubmitAttestations',
  getDevice: 'devices:GetDevice',
  verifyDigest: 'devices:VerifyDigest',
} as const;

function request(value: unknown): string {
  return canonicalize(value) ?? '{}';
}

/**
 * `SubmitAttestations` refusals about the statement's proof (chaincode/src/common/codes.ts): the device is unknown,
 * suspended or revoked, of the wrong type, or the key is not one valid at `periodEnd` or its signature fails. None of
 * them can turn into an acceptance later for the same statement, and none consumed a seq.
 */
export const PROOF_REFUSALS: readonly string[] = [
  'DEVICE_KEY',
  'DEVICE_ALG',
  'AUTH_SIGNATURE',
  'DEVICE_INACTIVE',
  'DEVICE_TYPE',
  'NOT_FOUND',
];

/** The chaincode's limit for one `SubmitAttestations` (chaincode/src/devices/device.parse.ts `MAX_BATCH`). */
export const ATTESTATION_BATCH_MAX = 200;

/**
 * Attestations queued one per call (`{ attestations: [entry] }`) share one `SubmitAttestations` call (≤ 200, all or
 * nothing), entries in queue order, so one device's sequence numbers stay increasing inside the call. The chaincode
 * names the device and seq of a refused entry, not its index: the batcher halves until the entry is alone.
 */
export const ATTESTATION_CODEC: BatchCodec = {
  fn: FN.submitAttestations,
  maxItems: ATTESTATION_BATCH_MAX,
  groupKey: () => '',
  encode(items) {
    const attestations = items.flatMap((args) => {
      const list = jsonArg(args).attestations;
      // One entry per item, so that the answer splits back one per item.
      if (!Array.isArray(list) || list.length !== 1) throw new Error('SubmitAttestations: item is not one entry');
      return list as unknown[];
    });
    if (attestations.length > ATTESTATION_BATCH_MAX) throw new Error('SubmitAttestations: too many entries');
    return { fn: FN.submitAttestations, args: [request({ attestations })] };
  },
  // One `{ deviceDid, seq, statementHash }` per item.
  split: (result, n) => answerList(result, 'anchored', n),
  blame: () => undefined,
};

/**
 * The `devices` contract as the middleware sees it: every function name and the encoding of arguments and
 * results live here; services see domain types only. Writes are handed out as {@link LedgerCall}s for the durable
 * intake; reads are evaluated on the peer.
 */
@Injectable()
export class DeviceLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // A repeat is refused (DEVICE_SEQ), not absorbed: not idempotent, so the legacy driver does not carry it. A
    // statement refused for its proof (key, signature, device status or type) never becomes valid and consumed no
    // seq on the ledger: it releases its device's queue (docs/huina.md, "Device keys from the cache").
    functions.register(FN.submitAttestations, {
      idempotent: false,
      batch: ATTESTATION_CODEC,
      releasesOn: PROOF_REFUSALS,
    });
  }

  /** What a new device key signs (JCS) to prove possession: bound to channel, chaincode, DID, key slot and owner. */
  static possession(
    op: 'registerDevice' | 'rotateDeviceKey',
    p: { channel: string; chaincode: string; did: string; kid: string; ownerMsp: string },
  ): object {
    return { op, channel: p.channel, chaincode: p.chaincode, did: p.did, kid: p.kid, ownerMsp: p.ownerMsp };
  }

  register(req: object): LedgerCall {
    return { fn: FN.register, args: [request(req)] };
  }

  rotateKey(req: object): LedgerCall {
    return { fn: FN.rotate, args: [request(req)] };
  }

  /** Suspend, reactivate or revoke. */
  changeStatus(op: 'suspend' | 'reactivate' | 'revoke', req: object): LedgerCall {
    return { fn: FN[op], args: [request(req)] };
  }

  /** One attestation, as its own `SubmitAttestations` call; the batcher merges queued ones (ATTESTATION_CODEC). */
  submitAttestation(entry: AttestationEntry): LedgerCall {
    return { fn: FN.submitAttestations, args: [request({ attestations: [entry] })] };
  }

  /** The device's keys, status and type, or undefined when the ledger does not know the device. */
  async deviceKeys(did: string): Promise<DeviceKeysView | undefined> {
    try {
      const raw = await this.ledger.evaluate(FN.getDevice, [request({ did })]);
      const d = JSON.parse(Buffer.from(raw).toString('utf8')) as DeviceKeysView;
      return { did: d.did, type: d.type, status: d.status, compromisedAt: d.compromisedAt, keys: d.keys };
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /**
   * Whether `digest` (hex) is the one device `did` signed in statement `seq`, by the ledger's own record, with the
   * device's owner and status and the statement's kind (`devices:VerifyDigest`).
   */
  async verifyDigest(did: string, seq: number, digest: string): Promise<DigestVerdict> {
    const raw = await this.ledger.evaluate(FN.verifyDigest, [request({ deviceDid: did, seq, digest })]);
    const r = JSON.parse(Buffer.from(raw).toString('utf8')) as {
      match: boolean;
      trusted: boolean;
      anchoredDigest: string;
      ownerMsp?: string;
      deviceStatus?: string;
      attestation?: { statement?: { kind?: string } };
    };
    return {
      match: r.match,
      trusted: r.trusted,
      anchoredDigest: r.anchoredDigest,
      ownerMsp: r.ownerMsp ?? '',
      deviceStatus: r.deviceStatus ?? '',
      statementKind: r.attestation?.statement?.kind ?? '',
    };
  }
}
