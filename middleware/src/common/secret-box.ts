import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for values that must be readable again (partner secrets, members' personal data) but never
 * stored in plain text. A sealed value is `version ‖ iv ‖ tag ‖ ciphertext`; `context` is bound as
 * additional authenticated data, so a value sealed for one row or column cannot be moved to another.
 * `index` is a keyed blind index (HMAC-SHA256 under a key derived apart from the encryption key), to find
 * rows by a secret value (a card number) without storing it.
 */
export class SecretBox {
  readonly #encKey: Buffer;
  readonly #indexKey: Buffer;

  /** @param keyBase64 32 bytes, base64 (validated at start-up) */
  constructor(keyBase64: string) {
    const master = Buffer.from(keyBase64, 'base64');
    if (master.length !== 32) throw new Error('SecretBox: the key must be 32 bytes');
    this.#encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'mallchain:seal', 32));
    this.#indexKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'mallchain:index', 32));
  }

  seal(plain: Buffer | string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([
      cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain),
      cipher.final(),
    ]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** @throws Error when the value was not sealed with this key and context (tampered, moved, wrong key) */
  open(sealed: Buffer, context: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION)
      throw new Error('SecretBox: not a sealed value');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  openText(sealed: Buffer, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }

  /** Hex HMAC of `value` under the index key, per `kind` (card, mobile). */
  index(kind: string, value: string): string {
    return createHmac('sha256', this.#indexKey).update(`${kind}\u0000${value}`, 'utf8').digest('hex');
  }
}
