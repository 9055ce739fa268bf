import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('opens what it sealed, and the sealed bytes do not contain the plain text', () => {
    const sealed = box.seal('s3cret-value', 'partner:app1');
    expect(sealed.includes(Buffer.from('s3cret-value'))).toBe(false);
    expect(box.openText(sealed, 'partner:app1')).toBe('s3cret-value');
  });

  it('refuses a value moved to another context, tampered with, or sealed under another key', () => {
    const sealed = box.seal('x', 'partner:app1');
    expect(() => box.open(sealed, 'partner:app2')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(() => box.open(tampered, 'partner:app1')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed, 'partner:app1')).toThrow();
  });

  it('seals the same value differently each time (random IV) but indexes it the same way', () => {
    expect(box.seal('x', 'c').equals(box.seal('x', 'c'))).toBe(false);
    expect(box.index('card', '123')).toBe(box.index('card', '123'));
    expect(box.index('card', '123')).not.toBe(box.index('mobile', '123'));
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
