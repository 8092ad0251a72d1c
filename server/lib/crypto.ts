import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { env } from '@/server/env';

/**
 * AES-256-GCM for secrets at rest (the Odoo API key or password). A fresh 96-bit IV per encryption;
 * the GCM tag makes any change to ciphertext, IV or tag fail loudly instead of decrypting to garbage.
 */
export type EncryptedSecret = { ciphertext: string; iv: string; tag: string };

export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
  constructor() {
    super(
      'A stored secret could not be decrypted: it was altered, or ENCRYPTION_KEY changed since it was saved.',
    );
  }
}

function key(): Buffer {
  const raw = Buffer.from(env().ENCRYPTION_KEY, 'base64');
  if (raw.length !== 32)
    throw new Error('ENCRYPTION_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).');
  return raw;
}

export function encryptSecret(plaintext: string): EncryptedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    ciphertext: ciphertext.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export function decryptSecret(secret: EncryptedSecret): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(secret.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(secret.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // never echo the inputs: they are (encrypted) secrets
    throw new SecretDecryptionError();
  }
}
