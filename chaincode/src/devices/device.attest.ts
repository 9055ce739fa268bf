/**
 * Checks and anchoring of device-signed statements. A batch is all or nothing: one bad
 * statement refuses the whole transaction, so a client never has to work out which half
 * of a batch was stored.
 */
import { toBytes } from '../common/canonical';
import { DAY_MS, txTimeIso, txTimeMs } from '../common/clock';
import { ChaincodeError, ErrorCode } from '../common/errors';
import { Caller, requireOrgUser } from '../common/identity';
import { sha256Hex, verifySignature } from '../common/signature';
import { MallContext, getJson, put } from '../common/state';
import {
  ALLOWED_ALGS,
  MAX_SEQ_STEP,
  AttestationRecord,
  DeviceRecord,
  Relay,
  SeqRecord,
  Statement,
  attestationKey,
  findKey,
  getDevice,
  keyValidAt,
  periodIndexKey,
  seqKey,
} from './device.model';
import { Entry } from './device.parse';

/** The statement kind of a printed receipt (an e-receipt): only a registered receipt printer signs one. */
export const RECEIPT_KIND = 'receipt';

/** A statement may be submitted at most this long after its period ended (store-and-forward). */
export const MAX_AGE_MS = 7 * DAY_MS;
/** ...and end at most this far after the transaction time (clock skew of devices). */
export const MAX_FUTURE_MS = 5 * 60_000;

function fail(code: ErrorCode, detail: string): never {
  throw new ChaincodeError(code, detail);
}

/** What a relaying gateway signs (JCS). */
export function relayPayload(channel: string, gatewayDid: string, statement: unknown): unknown {
  return { op: 'relay', channel, gatewayDid, statement };
}

/** Per-transaction view: devices read once, last seq per device including this batch. */
class Batch {
  readonly devices = new Map<string, DeviceRecord | undefined>();
  readonly lastSeq = new Map<string, number>();

  constructor(readonly ctx: MallContext) {}

  async device(did: string): Promise<DeviceRecord | undefined> {
    if (!this.devices.has(did)) this.devices.set(did, await getDevice(this.ctx, did));
    return this.devices.get(did);
  }

  async last(did: string): Promise<number> {
    const known = this.lastSeq.get(did);
    if (known !== undefined) return known;
    const stored = await getJson<SeqRecord>(this.ctx, seqKey(this.ctx, did));
    return stored?.seq ?? 0;
  }
}

async function checkSubmitter(batch: Batch, who: Caller, device: DeviceRecord, entry: Entry): Promise<void> {
  if (entry.relay) {
    await checkRelay(batch, who, entry.relay, entry.statement);
    return;
  }
  if (who.mspId !== device.ownerMsp) {
    fail('AUTH_FORBIDDEN', `${device.did} belongs to ${device.ownerMsp}; caller is ${who.mspId}`);
  }
}

/** A relayed statement is vouched for by an active gateway of the submitting mall, with a key valid now. */
async function checkRelay(batch: Batch, who: Caller, relay: Relay, statement: Statement): Promise<void> {
  const { gatewayDid, kid, signature } = relay;
  const gateway = await batch.device(gatewayDid);
  if (gateway?.type !== 'gateway' || gateway.status !== 'active') {
    fail('DEVICE_RELAY', `${gatewayDid} is not an active registered gateway`);
  }
  if (who.mspId !== gateway.ownerMsp) {
    fail('AUTH_FORBIDDEN', `gateway ${gatewayDid} belongs to ${gateway.ownerMsp}; caller is ${who.mspId}`);
  }
  const k = findKey(gateway, kid);
  const payload = relayPayload(batch.ctx.stub.getChannelID(), gatewayDid, statement);
  if (!k || !keyValidAt(k, txTimeMs(batch.ctx)) || !verifySignature(k.publicKeyJwk, toBytes(payload), signature)) {
    fail('AUTH_SIGNATURE', `relay signature by ${kid} does not verify with a currently valid gateway key`);
  }
}

function checkTimes(batch: Batch, entry: Entry): void {
  const now = txTimeMs(batch.ctx);
  if (entry.periodEndMs > now + MAX_FUTURE_MS) {
    fail('DEVICE_WINDOW', `periodEnd ${entry.statement.periodEnd} lies in the future`);
  }
  if (entry.periodEndMs < now - MAX_AGE_MS) {
    fail('DEVICE_WINDOW', `periodEnd ${entry.statement.periodEnd} is older than the 7-day submission window`);
  }
}

function checkSignature(device: DeviceRecord, entry: Entry): AttestationRecord['alg'] {
  const k = findKey(device, entry.kid);
  if (!k) fail('DEVICE_KEY', `${entry.kid} is not a key of ${device.did}`);
  if (!ALLOWED_ALGS.includes(k.alg) || (entry.alg !== undefined && entry.alg !== k.alg)) {
    fail('DEVICE_ALG', `algorithm ${entry.alg ?? k.alg} is not allowed for ${entry.kid} (key algorithm ${k.alg})`);
  }
  if (!keyValidAt(k, entry.periodEndMs)) {
    fail('DEVICE_KEY', `${entry.kid} was not valid at ${entry.statement.periodEnd}`);
  }
  if (!verifySignature(k.publicKeyJwk, toBytes(entry.statement), entry.signature)) {
    fail('AUTH_SIGNATURE', `signature by ${entry.kid} over statement seq ${entry.statement.seq} does not verify`);
  }
  return k.alg;
}

async function checkEntry(batch: Batch, who: Caller, entry: Entry): Promise<AttestationRecord> {
  const s = entry.statement;
  const channel = batch.ctx.stub.getChannelID();
  if (s.channel !== channel) fail('DEVICE_CHANNEL', `statement is signed for channel ${s.channel}, not ${channel}`);
  const device = await batch.device(s.deviceDid);
  if (!device) fail('NOT_FOUND', `device ${s.deviceDid} does not exist`);
  if (device.status !== 'active') fail('DEVICE_INACTIVE', `${s.deviceDid} is ${device.status}`);
  if (s.kind === RECEIPT_KIND && device.type !== 'receipt_printer') {
    fail('DEVICE_TYPE', `${s.deviceDid} is a ${device.type}; a ${RECEIPT_KIND} statement needs a receipt_printer`);
  }
  await checkSubmitter(batch, who, device, entry);
  checkTimes(batch, entry);
  const alg = checkSignature(device, entry);
  const last = await batch.last(s.deviceDid);
  if (s.seq <= last) fail('DEVICE_SEQ', `${s.deviceDid} seq ${s.seq} is not greater than ${last}`);
  if (s.seq - last > MAX_SEQ_STEP) {
    fail('DEVICE_SEQ', `${s.deviceDid} seq ${s.seq} jumps more than ${MAX_SEQ_STEP} past ${last}`);
  }
  batch.lastSeq.set(s.deviceDid, s.seq);
  return {
    statement: s,
    kid: entry.kid,
    alg,
    signature: entry.signature,
    relay: entry.relay,
    statementHash: sha256Hex(toBytes(s)),
    txId: batch.ctx.stub.getTxID(),
    anchoredAt: txTimeIso(batch.ctx),
    submittedBy: who.mspId,
  };
}

/** Verifies every entry, then writes the statements, their period index and each device's last seq. */
export async function anchorStatements(ctx: MallContext, entries: Entry[]): Promise<AttestationRecord[]> {
  const who = requireOrgUser(ctx);
  const batch = new Batch(ctx);
  const records: AttestationRecord[] = [];
  for (const entry of entries) records.push(await checkEntry(batch, who, entry));
  for (const r of records) {
    const { deviceDid, seq } = r.statement;
    await put(ctx, 'attestation', attestationKey(ctx, deviceDid, seq), r);
    await put(ctx, 'attestationIndex', periodIndexKey(ctx, r.statement), { deviceDid, seq });
  }
  for (const [did, seq] of batch.lastSeq) {
    await put(ctx, 'deviceSeq', seqKey(ctx, did), { did, seq, txId: ctx.stub.getTxID() } satisfies SeqRecord);
  }
  return records;
}
