import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, NotFoundError } from '../common/errors';
import { ApiKeyEntity } from './api-key.entity';
import type { Principal, Scope } from './scopes';

const KEY_PREFIX = 'mck_';
const CACHE_TTL_MS = 5_000;

export interface CreatedApiKey {
  readonly id: string;
  /** The secret itself: returned once, never stored. */
  readonly key: string;
  readonly mallMspId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

export interface ApiKeyView {
  readonly id: string;
  readonly mallMspId: string;
  readonly name: string;
  readonly keyPrefix: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** API keys of this middleware's mall: 256 random bits each, stored as SHA-256. */
@Injectable()
export class ApiKeysService {
  readonly #cache = new Map<string, { principal: Principal | undefined; until: number }>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>,
    private readonly config: AppConfig,
  ) {}

  /** A new key of `mall` (default: this middleware's mall; a key of any other mall is refused). */
  async create(mall: string | undefined, name: string, scopes: readonly Scope[]): Promise<CreatedApiKey> {
    const mallMspId = mall ?? this.config.mallMspId;
    if (mallMspId !== this.config.mallMspId) {
      throw new ForbiddenError(`mall: this middleware serves ${this.config.mallMspId}, not ${mallMspId}`);
    }
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.repo.save(
      this.repo.create({ mallMspId, name, scopes: [...scopes], keyHash: hashKey(key), keyPrefix: key.slice(0, 10) }),
    );
    return { id: saved.id, key, mallMspId, name, scopes };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.repo.find({ where: { mallMspId: this.config.mallMspId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      mallMspId: r.mallMspId,
      name: r.name,
      keyPrefix: r.keyPrefix,
      scopes: r.scopes,
      createdAt: r.createdAt,
      revokedAt: r.revokedAt,
    }));
  }

  async revoke(id: string): Promise<void> {
    const res = await this.repo.update(
      { id, mallMspId: this.config.mallMspId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (res.affected !== 1) throw new NotFoundError('active API key', id);
    this.#cache.clear();
  }

  /** The principal behind a presented key, or `undefined` when unknown or revoked (cached briefly: hot path). */
  async authenticate(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const now = Date.now();
    const hit = this.#cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.repo.findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    const principal = row ? { keyId: row.id, mallMspId: row.mallMspId, scopes: row.scopes as Scope[] } : undefined;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }
}
