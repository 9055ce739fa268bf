import { Injectable } from '@nestjs/common';
import { DeviceProofError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { type EReceipt, receiptDigest, receiptStatement } from '../../devices/e-receipt';
import { checkProof } from '../../huina/device-proof';
import type { IntakeRequest } from '../../intake/intake.types';
import { type AttestationEntry, DeviceLedger } from '../../ledger/domain/device.ledger';

/** The device attestation an accrual names (`points:Accrue` `attestation`). */
export interface AttestationRef {
  readonly deviceDid: string;
  readonly seq: number;
}

/** An e-receipt whose digest and signature were checked against the printer's keys on the peer. */
export interface VerifiedEReceipt {
  readonly ref: AttestationRef;
  readonly entry: AttestationEntry;
}

/**
 * Signed e-receipts of Haide receipts: checked before anything of the receipt is stored (a forged or stale one is
 * refused at once, with a `PROOF_*` code), then queued as a device attestation through the durable intake (in the
 * receipt's own transaction), ordered by the printer's DID, as the Huina adapter queues a counter's proof.
 */
@Injectable()
export class EReceiptAnchor {
  constructor(
    private readonly devices: DeviceLedger,
    private readonly config: AppConfig,
  ) {}

  /**
   * @throws DeviceProofError `PROOF_DIGEST` (digest is not that of the receipt), `PROOF_DEVICE`, `PROOF_DEVICE_TYPE`
   * (the device is not a receipt printer), `PROOF_INACTIVE` (printer suspended or revoked), `PROOF_KEY`,
   * `PROOF_SIGNATURE`
   */
  async verify(raw: Readonly<Record<string, unknown>>, e: EReceipt): Promise<VerifiedEReceipt> {
    const digest = receiptDigest(raw);
    if (digest !== e.digest)
      throw new DeviceProofError(
        'PROOF_DIGEST',
        `eReceipt.digest is not base64url SHA-256 of JCS(receipt without eReceipt) (${digest})`,
      );
    const statement = receiptStatement(raw, e, this.config.ledger.channel);
    const device = await this.devices.deviceKeys(e.deviceDid);
    if (device !== undefined && device.type !== 'receipt_printer')
      throw new DeviceProofError(
        'PROOF_DEVICE_TYPE',
        `eReceipt.deviceDid ${e.deviceDid} is registered as a ${device.type}, not a receipt_printer`,
      );
    const kid = checkProof(statement, e.signature, device);
    return { ref: { deviceDid: e.deviceDid, seq: e.seq }, entry: { statement, kid, signature: e.signature } };
  }

  /** The intake item of a checked e-receipt: its device attestation, ordered by the printer's DID. */
  request(v: VerifiedEReceipt): IntakeRequest {
    const call = this.devices.submitAttestation(v.entry);
    return {
      kind: ATTESTATION_KIND,
      naturalKey: `${v.ref.deviceDid}#${v.ref.seq}`,
      orderingKey: v.ref.deviceDid,
      payload: { statement: v.entry.statement, kid: v.entry.kid },
      fn: call.fn,
      args: call.args,
    };
  }
}

export const ATTESTATION_KIND = 'device-attestation';

/** `PROOF_CONFLICT`: the printer's seq is already anchored over another receipt. */
export function seqReused(ref: AttestationRef): DeviceProofError {
  return new DeviceProofError(
    'PROOF_CONFLICT',
    `seq ${ref.seq} of ${ref.deviceDid} was already used for another receipt`,
  );
}
