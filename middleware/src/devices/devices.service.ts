import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { DataSource } from 'typeorm';
import type { AttestationView } from '../console/api-types';
import { AppConfig } from '../config/app-config';
import { BadInputError, NotFoundError } from '../common/errors';
import { verifyRawSignature } from '../common/raw-signature';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck } from '../intake/intake.types';
import { DeviceLedger, type LedgerCall, type PublicJwk } from '../ledger/domain/device.ledger';
import { ProjectorRegistry } from '../projection/projector-registry';
import { jwkThumbprint } from './device-key';
import { attestationProjector, deviceProjector } from './device.projector';
import type { DeviceDto, RegisterDeviceDto, RotateKeyDto, StatusChangeDto } from './dto/device.dto';

const SPAN_MAX_MS = 31 * 86_400_000;

/** A device's cached attestation: the console's type (console/api-types.ts). */
export type { AttestationView } from '../console/api-types';

function plainJwk(j: PublicJwk): PublicJwk {
  return j.y === undefined ? { kty: j.kty, crv: j.crv, x: j.x } : { kty: j.kty, crv: j.crv, x: j.x, y: j.y };
}

const DEVICE_SQL = `SELECT did, owner_msp AS "ownerMsp", type, status, record, tx_id AS "txId",
  block_number::text AS "blockNumber" FROM devices`;

/**
 * The device registry: writes are relayed to the ledger through the durable intake (the device signs its own proof
 * of possession; its private key never reaches the middleware); reads come from the projected cache.
 */
@Injectable()
export class DevicesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly intake: IntakeService,
    private readonly ledger: DeviceLedger,
    private readonly config: AppConfig,
    private readonly projectors: ProjectorRegistry,
  ) {}

  onModuleInit(): void {
    this.projectors.register(deviceProjector);
    this.projectors.register(attestationProjector);
  }

  #possession(
    op: 'registerDevice' | 'rotateDeviceKey',
    did: string,
    n: number,
    jwk: PublicJwk,
    signature: string,
  ): void {
    const payload = DeviceLedger.possession(op, {
      channel: this.config.ledger.channel,
      chaincode: this.config.ledger.chaincode,
      did,
      kid: `${did}#key-${n}`,
      ownerMsp: this.config.mallMspId,
    });
    if (!verifyRawSignature(jwk, Buffer.from(canonicalize(payload) ?? ''), signature))
      throw new BadInputError(`proof.signature does not verify with publicKeyJwk for ${did}#key-${n}`);
  }

  /** Registry changes of one device reach the ledger in order (ordering key = its DID). */
  #relay(
    kind: string,
    did: string,
    naturalKey: string,
    payload: object,
    call: LedgerCall,
    apiKeyId?: string,
  ): Promise<IntakeAck> {
    return this.intake.accept({ kind, naturalKey, payload, fn: call.fn, args: call.args, apiKeyId, orderingKey: did });
  }

  register(dto: RegisterDeviceDto, apiKeyId?: string): Promise<IntakeAck> {
    const jwk = plainJwk(dto.publicKeyJwk);
    if (`did:mallchain:${jwkThumbprint(jwk)}` !== dto.did)
      throw new BadInputError('did must be did:mallchain: + the RFC 7638 thumbprint of publicKeyJwk');
    this.#possession('registerDevice', dto.did, 1, jwk, dto.proof.signature);
    const l = dto.location;
    const location = { site: l.site, floor: l.floor, zone: l.zone, entrance: l.entrance };
    const content = {
      did: dto.did,
      type: dto.type,
      model: dto.model,
      firmwareDigest: dto.firmwareDigest,
      location,
      publicKeyJwk: jwk,
    };
    const req = { ...content, proof: { signature: dto.proof.signature } };
    // ECDSA proofs differ each time they are made: the same registration proven again is a duplicate, not a conflict.
    return this.#relay('device-register', dto.did, `register|${dto.did}`, content, this.ledger.register(req), apiKeyId);
  }

  async rotateKey(did: string, dto: RotateKeyDto, apiKeyId?: string): Promise<IntakeAck> {
    const keys = await this.ledger.deviceKeys(did);
    if (!keys) throw new NotFoundError('device', did);
    const jwk = plainJwk(dto.publicKeyJwk);
    this.#possession('rotateDeviceKey', did, keys.keys.length + 1, jwk, dto.proof.signature);
    const req = {
      did,
      publicKeyJwk: jwk,
      proof: { signature: dto.proof.signature },
      ...(dto.compromisedAt ? { compromisedAt: dto.compromisedAt } : {}),
    };
    return this.#relay(
      'device-rotate',
      did,
      `rotate|${did}|${jwkThumbprint(jwk)}`,
      { did, publicKeyJwk: jwk, compromisedAt: dto.compromisedAt ?? null },
      this.ledger.rotateKey(req),
      apiKeyId,
    );
  }

  changeStatus(
    op: 'suspend' | 'reactivate' | 'revoke',
    did: string,
    dto: StatusChangeDto,
    apiKeyId?: string,
  ): Promise<IntakeAck> {
    if (op !== 'revoke' && dto.compromisedAt !== undefined)
      throw new BadInputError('compromisedAt: only a revoke takes it');
    if (op === 'reactivate' && dto.reason !== undefined) throw new BadInputError('reason: a reactivation takes none');
    const req = {
      did,
      ...(dto.reason === undefined ? {} : { reason: dto.reason }),
      ...(dto.compromisedAt === undefined ? {} : { compromisedAt: dto.compromisedAt }),
    };
    const key = `${op}|${did}|${dto.requestId ?? randomUUID()}`;
    return this.#relay(`device-${op}`, did, key, req, this.ledger.changeStatus(op, req), apiKeyId);
  }

  async list(status?: string, type?: string): Promise<DeviceDto[]> {
    return this.ds.query<DeviceDto[]>(
      `${DEVICE_SQL} WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR type = $2) ORDER BY did LIMIT 1000`,
      [status ?? null, type ?? null],
    );
  }

  async get(did: string): Promise<DeviceDto> {
    const rows = await this.ds.query<DeviceDto[]>(`${DEVICE_SQL} WHERE did = $1`, [did]);
    const d = rows[0];
    if (!d) throw new NotFoundError('device', did);
    return d;
  }

  async attestations(did: string, from: string, to: string): Promise<AttestationView[]> {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (toMs <= fromMs) throw new BadInputError('to must be after from');
    if (toMs - fromMs > SPAN_MAX_MS) throw new BadInputError('from–to may span at most 31 days');
    await this.get(did);
    const rows = await this.ds.query<
      (Omit<AttestationView, 'seq' | 'periodStart' | 'periodEnd'> & {
        seq: string;
        periodStart: Date;
        periodEnd: Date;
      })[]
    >(
      `SELECT device_did AS "deviceDid", seq::text AS seq, period_start AS "periodStart", period_end AS "periodEnd", kind,
         digest, record, tx_id AS "txId", block_number::text AS "blockNumber"
       FROM device_attestations WHERE device_did = $1 AND period_start >= $2 AND period_start < $3
       ORDER BY period_start, seq`,
      [did, new Date(fromMs), new Date(toMs)],
    );
    return rows.map((r) => ({
      ...r,
      seq: Number(r.seq),
      periodStart: r.periodStart.toISOString(),
      periodEnd: r.periodEnd.toISOString(),
    }));
  }
}
