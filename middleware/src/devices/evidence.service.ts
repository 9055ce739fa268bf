import { Injectable } from '@nestjs/common';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { PointsLedger } from '../ledger/domain/points.ledger';
import { ChaincodeRejectedError } from '../ledger/ledger.port';
import {
  type Check,
  type EReceiptEvidence,
  type EvidenceVerdict,
  type LedgerWitness,
  type TrafficEvidence,
  eReceiptDigestCheck,
  haideSourceRef,
  ledgerChecks,
  trafficChecks,
  verdict,
} from './evidence';

/**
 * Checks figures another mall publishes against this mall's own peer: nothing the publishing mall says is taken
 * on trust except the bytes it hands over, which must hash to what its device signed on the shared ledger.
 */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly devices: DeviceLedger,
    private readonly points: PointsLedger,
  ) {}

  async traffic(e: TrafficEvidence): Promise<EvidenceVerdict> {
    const hex = Buffer.from(e.digest, 'base64url').toString('hex');
    const { witness, why } = await this.#witness(e.deviceDid, e.seq, hex);
    const checks = [...trafficChecks(e), ...ledgerChecks(witness, why, { kind: 'traffic', mallMspId: e.mallMspId })];
    return verdict('traffic', e, checks, witness);
  }

  async eReceipt(e: EReceiptEvidence): Promise<EvidenceVerdict> {
    const er = e.receipt.eReceipt;
    const ref = { deviceDid: er?.deviceDid ?? '', seq: er?.seq ?? 0 };
    const hex = Buffer.from(er?.digest ?? '', 'base64url').toString('hex');
    const { witness, why } = await this.#witness(ref.deviceDid, ref.seq, hex);
    const checks = [
      eReceiptDigestCheck(e),
      await this.#accrualCheck(e, ref),
      ...ledgerChecks(witness, why, { kind: 'receipt', mallMspId: e.mallMspId }),
    ];
    return verdict('e-receipt', ref, checks, witness);
  }

  /** The issuer's accrual of this receipt, on this mall's peer, names the e-receipt's attestation. */
  async #accrualCheck(e: EReceiptEvidence, ref: { deviceDid: string; seq: number }): Promise<Check> {
    const sourceRef = haideSourceRef(e.orgCode, e.receipt);
    const accrual = await this.points.accrual(e.programId, sourceRef);
    const named = accrual?.attestation;
    return [
      'accrual',
      named !== undefined && named.deviceDid === ref.deviceDid && named.seq === ref.seq,
      accrual === undefined
        ? `no accrual ${e.programId}/${sourceRef} on the ledger`
        : `accrual ${sourceRef} does not name attestation ${ref.deviceDid}#${ref.seq}`,
    ];
  }

  /** The peer's answer; an attestation the ledger does not have is a failed check, not an error. */
  async #witness(did: string, seq: number, hex: string): Promise<{ witness?: LedgerWitness; why: string }> {
    try {
      return { witness: await this.devices.verifyDigest(did, seq, hex), why: '' };
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && (e.code === 'NOT_FOUND' || e.code === 'INPUT_INVALID'))
        return { why: `the ledger has no attestation ${did}#${seq} (${e.message})` };
      throw e;
    }
  }
}
