import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, NotFoundError } from '../common/errors';
import { LruCache } from '../common/lru';
import { ApiKeyEntity } from './api-key.entity';
import type { Principal, Scope } from './scopes';

const KEY_PREFIX = 'mck_';
/** Known keys: short, so a revocation on another instance takes effect within seconds. */
const KNOWN_TTL_MS = 5_000;
const KNOWN_MAX = 10_000;
/** Unknown key hashes: a repeated bad key costs no query. Keys are 256 random bits: none becomes valid later. */
const UNKNOWN_TTL_MS = 60_000;
const UNKNOWN_MAX = 10_000;

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
  // Separate caches: a flood of bad keys fills only the negative one and never evicts a good key.
  readonly #known = new LruCache<string, Principal>(KNOWN_MAX, KNOWN_TTL_MS);
  readonly #unknown = new LruCache<string, true>(UNKNOWN_MAX, UNKNOWN_TTL_MS);

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
    this.#known.clear();
  }

  /** The principal of a key seen recently, without asking the database (`undefined`: not known to the cache). */
  cached(key: string): Principal | undefined {
    return this.#known.get(hashKey(key));
  }

  /** The principal behind a presented key, or `undefined` when unknown or revoked (cached: hot path). */
  async authenticate(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const hit = this.#known.get(hash);
    if (hit !== undefined) return hit;
    if (this.#unknown.get(hash) === true) return undefined;
    const row = await this.repo.findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    if (!row) {
      this.#unknown.set(hash, true);
      return undefined;
    }
    const principal: Principal = { keyId: row.id, mallMspId: row.mallMspId, scopes: row.scopes as Scope[] };
    this.#known.set(hash, principal);
    return principal;
  }
}
