/**
 * Registry operations: register, rotate a key, suspend, reactivate, revoke. Only an admin
 * of the owner mall may do any of them; registration and rotation also need proof that the
 * device holds the new private key, so a mall cannot squat another mall's device key.
 */
import { toBytes } from '../common/canonical';
import { txTimeIso, txTimeMs } from '../common/clock';
import { ChaincodeError, inputError } from '../common/errors';
import { caller, requireAdminOf } from '../common/identity';
import { PublicJwk, algorithmOf, jwkThumbprint, parsePublicJwk, verifySignature } from '../common/signature';
import { MallContext, put } from '../common/state';
import { Fields } from '../common/validate';
import { didFromJwk } from '../dids/did.document';
import { CHAINCODE_NAME } from '../dids/did.operation';
import { DeviceRecord, deviceKey, getDevice, requireDevice, requireStatus } from './device.model';
import { did, parseRegistration, pastInstant, reason, signatureOf } from './device.parse';

/** What the device signs to prove it holds the key being registered or rotated in (JCS). */
export function possessionPayload(
  ctx: MallContext,
  op: 'registerDevice' | 'rotateDeviceKey',
  deviceDid: string,
  kid: string,
  ownerMsp: string,
): unknown {
  return { op, channel: ctx.stub.getChannelID(), chaincode: CHAINCODE_NAME, did: deviceDid, kid, ownerMsp };
}

function checkPossession(jwk: PublicJwk, payload: unknown, signature: string): void {
  if (!verifySignature(jwk, toBytes(payload), signature)) {
    throw new ChaincodeError('AUTH_SIGNATURE', 'proof of possession of the new device key does not verify');
  }
}

async function save(ctx: MallContext, device: DeviceRecord): Promise<DeviceRecord> {
  await put(ctx, 'device', deviceKey(ctx, device.did), device);
  return device;
}

/** Registers a device owned by the calling admin's mall, its first key proven held by the device. */
export async function registerDevice(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const reg = parseRegistration(f);
  // The registering admin's organisation becomes the owner.
  const who = requireAdminOf(ctx, caller(ctx).mspId);
  if (didFromJwk(reg.publicKeyJwk) !== reg.did) {
    throw inputError('did', 'must be did:mallchain:<JWK thumbprint of publicKeyJwk>');
  }
  const kid = `${reg.did}#key-1`;
  checkPossession(reg.publicKeyJwk, possessionPayload(ctx, 'registerDevice', reg.did, kid, who.mspId), reg.signature);
  if (await getDevice(ctx, reg.did)) throw new ChaincodeError('DEVICE_EXISTS', `${reg.did} is already registered`);
  const now = txTimeIso(ctx);
  return save(ctx, {
    did: reg.did,
    ownerMsp: who.mspId,
    type: reg.type,
    model: reg.model,
    firmwareDigest: reg.firmwareDigest,
    location: reg.location,
    status: 'active',
    keys: [{ kid, publicKeyJwk: reg.publicKeyJwk, alg: algorithmOf(reg.publicKeyJwk), validFrom: now }],
    registeredAt: now,
    updatedAt: now,
    txId: ctx.stub.getTxID(),
  });
}

/** Loads a device the caller administers. */
async function owned(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const device = await requireDevice(ctx, did(f));
  requireAdminOf(ctx, device.ownerMsp);
  return device;
}

function touched(ctx: MallContext, device: DeviceRecord, changes: Partial<DeviceRecord>): DeviceRecord {
  return { ...device, ...changes, updatedAt: txTimeIso(ctx), txId: ctx.stub.getTxID() };
}

/**
 * Rotates in a new key valid from now; the previous key stays valid for measurements before
 * now, and up to `compromisedAt` if the old key is reported compromised.
 */
export async function rotateKey(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const jwk = parsePublicJwk(f.publicKeyJwk, 'publicKeyJwk');
  const signature = signatureOf(f.proof, 'proof');
  const device = await owned(ctx, f);
  requireStatus(device, ['active', 'suspended'], 'rotate a key of');
  const nowMs = txTimeMs(ctx);
  const compromisedMs = f.compromisedAt === undefined ? undefined : pastInstant(f, 'compromisedAt', nowMs);
  if (device.keys.some((k) => jwkThumbprint(k.publicKeyJwk) === jwkThumbprint(jwk))) {
    throw inputError('publicKeyJwk', 'this key was already used by the device; rotate to a fresh key');
  }
  const kid = `${device.did}#key-${device.keys.length + 1}`;
  checkPossession(jwk, possessionPayload(ctx, 'rotateDeviceKey', device.did, kid, device.ownerMsp), signature);
  const now = new Date(nowMs).toISOString();
  const keys = device.keys.map((k) => {
    if (k.validTo !== undefined) return k;
    const closed = { ...k, validTo: now };
    return compromisedMs === undefined ? closed : { ...closed, compromisedAt: new Date(compromisedMs).toISOString() };
  });
  keys.push({ kid, publicKeyJwk: jwk, alg: algorithmOf(jwk), validFrom: now });
  return save(ctx, touched(ctx, device, { keys }));
}

/** Suspends an active device: its statements are refused until it is reactivated. */
export async function suspendDevice(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const device = await owned(ctx, f);
  requireStatus(device, ['active'], 'suspend');
  return save(ctx, touched(ctx, device, { status: 'suspended', statusReason: reason(f) }));
}

/** Reactivates a suspended device. */
export async function reactivateDevice(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const device = await owned(ctx, f);
  requireStatus(device, ['suspended'], 'reactivate');
  return save(ctx, touched(ctx, device, { status: 'active', statusReason: undefined }));
}

/** Revocation is final. Statements already anchored for periods ending from `compromisedAt` on are reported untrusted. */
export async function revokeDevice(ctx: MallContext, f: Fields): Promise<DeviceRecord> {
  const device = await owned(ctx, f);
  requireStatus(device, ['active', 'suspended'], 'revoke');
  const compromisedAt = new Date(pastInstant(f, 'compromisedAt', txTimeMs(ctx))).toISOString();
  return save(ctx, touched(ctx, device, { status: 'revoked', statusReason: reason(f), compromisedAt }));
}
