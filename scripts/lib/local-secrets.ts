import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '@/server/env';

/**
 * `npm start` on a laptop runs a production build, which refuses the development secrets. When
 * AUTH_SECRET / ENCRYPTION_KEY are not configured, generate random ones once and keep them in
 * DATA_DIR (mode 0600), so sessions and the encrypted Odoo secret survive restarts. A real deployment
 * sets both variables and this file is never written.
 */
export function localSecrets(): { AUTH_SECRET?: string; ENCRYPTION_KEY?: string } {
  const config = env();
  // eslint-disable-next-line no-restricted-properties -- detecting whether the operator set them
  const { AUTH_SECRET, NEXTAUTH_SECRET, ENCRYPTION_KEY } = process.env;
  if ((AUTH_SECRET || NEXTAUTH_SECRET) && ENCRYPTION_KEY) return {};
  const file = path.resolve(config.DATA_DIR, 'secrets.json');
  let stored: { AUTH_SECRET: string; ENCRYPTION_KEY: string };
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  } else {
    stored = { AUTH_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    AUTH_SECRET: AUTH_SECRET || NEXTAUTH_SECRET ? undefined : stored.AUTH_SECRET,
    ENCRYPTION_KEY: ENCRYPTION_KEY ? undefined : stored.ENCRYPTION_KEY,
  };
}
