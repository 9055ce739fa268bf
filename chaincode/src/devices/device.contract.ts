import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { MallContext } from '../common/state';
import { asArray, parseRequest } from '../common/validate';
import { anchorStatements } from './device.attest';
import { MAX_BATCH, parseEntry } from './device.parse';
import { deviceWithSeq, listAttestations, verifyDigest } from './device.query';
import { reactivateDevice, registerDevice, revokeDevice, rotateKey, suspendDevice } from './device.registry';

/**
 * IoT device registry and data notarization: malls register their counters, printers and
 * readers; devices sign statements about their data and the owner mall anchors them.
 * Every transaction takes one JSON `request` string and answers JSON (see docs/devices.md).
 */
@Info({ title: 'devices', description: 'Device registry and device-signed data attestations' })
export class DeviceContract extends MallContract {
  constructor() {
    super('devices');
  }

  @Transaction()
  @Returns('string')
  async RegisterDevice(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await registerDevice(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async RotateDeviceKey(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await rotateKey(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async SuspendDevice(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await suspendDevice(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async ReactivateDevice(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await reactivateDevice(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async RevokeDevice(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await revokeDevice(ctx, parseRequest(arg)));
  }

  /** `{ attestations: [{ statement, kid, alg?, signature, relay? }] }`, all or nothing. */
  @Transaction()
  @Returns('string')
  async SubmitAttestations(ctx: MallContext, arg: string): Promise<string> {
    const items = asArray(parseRequest(arg).attestations, 'attestations', { min: 1, max: MAX_BATCH });
    const entries = items.map((item) => parseEntry(item));
    const records = await anchorStatements(ctx, entries);
    return JSON.stringify({
      txId: ctx.stub.getTxID(),
      anchored: records.map((r) => ({
        deviceDid: r.statement.deviceDid,
        seq: r.statement.seq,
        statementHash: r.statementHash,
      })),
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetDevice(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await deviceWithSeq(ctx, parseRequest(arg)));
  }

  @Transaction(false)
  @Returns('string')
  async GetDeviceKeys(ctx: MallContext, arg: string): Promise<string> {
    const device = await deviceWithSeq(ctx, parseRequest(arg));
    return JSON.stringify({
      did: device.did,
      status: device.status,
      compromisedAt: device.compromisedAt,
      keys: device.keys,
    });
  }

  /** `{ deviceDid, from, to }`: statements whose period starts in [from, to), at most 31 days. */
  @Transaction(false)
  @Returns('string')
  async ListAttestations(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await listAttestations(ctx, parseRequest(arg)));
  }

  /** `{ deviceDid, seq, digest }`: whether the digest is the one the device signed. */
  @Transaction(false)
  @Returns('string')
  async VerifyDigest(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await verifyDigest(ctx, parseRequest(arg)));
  }
}
