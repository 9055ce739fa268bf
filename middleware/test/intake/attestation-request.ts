/** A device attestation queued as the Huina adapter queues it: `devices:SubmitAttestations`, keyed by the device. */
import { signJcs, type DeviceKey } from '../../src/devices/device-key';
import type { IntakeRequest } from '../../src/intake/intake.types';
import type { DeviceStatement } from '../../src/ledger/domain/device.ledger';

export const FN = 'devices:SubmitAttestations';

/** Seq `seq` of the device `key`, its period ending `seq` ms after a minute ago. */
export function attestation(key: DeviceKey, seq: number): IntakeRequest {
  const end = new Date(Date.now() - 60_000 + seq);
  const statement: DeviceStatement = {
    deviceDid: key.did,
    seq,
    periodStart: new Date(end.getTime() - 900_000).toISOString(),
    periodEnd: end.toISOString(),
    kind: 'traffic',
    digest: seq.toString(16).padStart(64, '0'),
    count: seq,
    summary: {},
    channel: 'mallchannel',
  };
  const entry = { statement, kid: `${key.did}#key-1`, signature: signJcs(key.privateKey, statement) };
  return {
    kind: 'device-attestation',
    naturalKey: `${key.did}#${seq}`,
    orderingKey: key.did,
    payload: { statement },
    fn: FN,
    args: [JSON.stringify({ attestations: [entry] })],
  };
}
