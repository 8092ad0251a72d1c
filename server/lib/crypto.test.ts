import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, SecretDecryptionError } from './crypto';

const flip = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
};

describe('secret encryption (AES-256-GCM)', () => {
  it('round-trips a secret', () => {
    const secret = 'canary-odoo-key-7f3a9c';
    const sealed = encryptSecret(secret);
    expect(sealed.ciphertext).not.toContain(secret);
    expect(decryptSecret(sealed)).toBe(secret);
  });

  it('uses a fresh IV each time, so equal secrets never give equal ciphertexts', () => {
    const a = encryptSecret('same-key');
    const b = encryptSecret('same-key');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
  });

  it.each(['ciphertext', 'iv', 'tag'] as const)('refuses a tampered %s with a clear error', (part) => {
    const sealed = encryptSecret('tamper-me-please');
    const tampered = { ...sealed, [part]: flip(sealed[part]) };
    expect(() => decryptSecret(tampered)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(tampered)).toThrow(/altered, or ENCRYPTION_KEY changed/);
  });
});
