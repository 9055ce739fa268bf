import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { NotFoundError, UnavailableError } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { PartnerEntity, type PartnerKind } from './partner.entity';

/** What an adapter needs to verify a partner's request. */
export interface PartnerCredentials {
  readonly appId: string;
  readonly kind: PartnerKind;
  readonly mallMspId: string;
  /** Haide orgCode or Huina customerId. */
  readonly orgCode: string;
  /** The HMAC key: the UTF-8 bytes of the secret string handed out once. */
  readonly secret: Buffer;
}

export interface PartnerView {
  readonly appId: string;
  readonly kind: PartnerKind;
  readonly mallMspId: string;
  readonly orgCode: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly rotatedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** A new (or rotated) credential: the only answer that carries the secret. */
export interface IssuedPartner extends PartnerView {
  readonly secret: string;
}

const APP_ID_PREFIX: Record<PartnerKind, string> = { haide: 'hd_', huina: 'hn_' };

function sealContext(appId: string): string {
  return `partner-secret:${appId}`;
}

function view(p: PartnerEntity): PartnerView {
  return {
    appId: p.appId,
    kind: p.kind,
    mallMspId: p.mallMspId,
    orgCode: p.orgCode,
    name: p.name,
    createdAt: p.createdAt,
    rotatedAt: p.rotatedAt,
    revokedAt: p.revokedAt,
  };
}

/**
 * Partner credentials of this mall (Haide-style POS, Huina-style counters): issued, listed, rotated, revoked;
 * `resolve` is what the adapters' request verification calls. Secrets are sealed at rest, shown once.
 */
@Injectable()
export class PartnerCredentialsService {
  readonly #box: SecretBox | undefined;

  constructor(
    @InjectRepository(PartnerEntity) private readonly repo: Repository<PartnerEntity>,
    private readonly config: AppConfig,
  ) {
    this.#box = config.partnerSecretKey === undefined ? undefined : new SecretBox(config.partnerSecretKey);
  }

  async create(kind: PartnerKind, orgCode: string, name: string): Promise<IssuedPartner> {
    const box = this.#requireBox();
    const appId = APP_ID_PREFIX[kind] + randomBytes(12).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const saved = await this.repo.save(
      this.repo.create({
        appId,
        kind,
        orgCode,
        name,
        mallMspId: this.config.mallMspId,
        secretSealed: box.seal(secret, sealContext(appId)),
        rotatedAt: null,
        revokedAt: null,
      }),
    );
    return { ...view(saved), secret };
  }

  async list(): Promise<PartnerView[]> {
    const rows = await this.repo.find({ where: { mallMspId: this.config.mallMspId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async revoke(appId: string): Promise<void> {
    const res = await this.repo.update(
      { appId, mallMspId: this.config.mallMspId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (res.affected !== 1) throw new NotFoundError('active partner', appId);
  }

  /** A new secret for an active partner; the old one stops working at once. */
  async rotate(appId: string): Promise<IssuedPartner> {
    const box = this.#requireBox();
    const secret = randomBytes(32).toString('base64url');
    const rotatedAt = new Date();
    const res = await this.repo.update(
      { appId, mallMspId: this.config.mallMspId, revokedAt: IsNull() },
      { secretSealed: box.seal(secret, sealContext(appId)), rotatedAt },
    );
    if (res.affected !== 1) throw new NotFoundError('active partner', appId);
    const row = await this.repo.findOneByOrFail({ appId });
    return { ...view(row), secret };
  }

  /** The active credential behind `appId` of this mall, or undefined (unknown, revoked, another mall's). */
  async resolve(appId: string): Promise<PartnerCredentials | undefined> {
    const box = this.#requireBox();
    const row = await this.repo.findOneBy({ appId, mallMspId: this.config.mallMspId, revokedAt: IsNull() });
    if (!row) return undefined;
    return {
      appId: row.appId,
      kind: row.kind,
      mallMspId: row.mallMspId,
      orgCode: row.orgCode,
      secret: box.open(row.secretSealed, sealContext(row.appId)),
    };
  }

  #requireBox(): SecretBox {
    if (!this.#box) throw new UnavailableError('partner credentials need the PARTNER_SECRET_KEY setting');
    return this.#box;
  }
}
