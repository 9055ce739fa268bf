import { receiptDigest, receiptStatement } from '../e-receipt';
import { signJcs } from '../device-key';
import { DeviceIdentity } from './counter';

/** A paperless receipt printer: its own P-256 key and persisted sequence, like the counter. */
export class PrinterIdentity extends DeviceIdentity {
  constructor(keyFile: string) {
    super(keyFile, 'receipt_printer');
  }
}

/**
 * The receipt as the printer hands it back to the till: the receipt plus `eReceipt`, the printer's signature over
 * the statement of this receipt (DOMAIN.md). `seq` defaults to the printer's next persisted sequence number.
 */
export function printReceipt(
  id: DeviceIdentity,
  receipt: Readonly<Record<string, unknown>>,
  channel: string,
  seq: number = id.nextSeq(),
): Record<string, unknown> {
  const { eReceipt: _old, ...plain } = receipt;
  const statement = receiptStatement(plain, { deviceDid: id.key.did, seq }, channel);
  return {
    ...plain,
    eReceipt: {
      deviceDid: id.key.did,
      seq,
      digest: receiptDigest(plain),
      signature: signJcs(id.key.privateKey, statement),
    },
  };
}
