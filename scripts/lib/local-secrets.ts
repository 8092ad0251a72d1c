import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '@/server/env';

/** The secrets a laptop's `npm start` generates when the operator has not set them. */
const GENERATED = {
  AUTH_SECRET: () => randomBytes(32).toString('base64url'),
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  AUDIT_HMAC_KEY: () => randomBytes(32).toString('base64url'),
} as const;
type SecretName = keyof typeof GENERATED;
type Secrets = Partial<Record<SecretName, string>>;

function secretsFile(): string {
  return path.resolve(env().DATA_DIR, 'secrets.json');
}

function operatorSet(name: SecretName): boolean {
  // eslint-disable-next-line no-restricted-properties -- detecting whether the operator set them
  const variables = process.env;
  return Boolean(variables[name] || (name === 'AUTH_SECRET' && variables.NEXTAUTH_SECRET));
}

/**
 * `npm start` on a laptop runs a production build, which refuses the development secrets. When
 * AUTH_SECRET / ENCRYPTION_KEY / AUDIT_HMAC_KEY are not configured, generate random ones once and
 * keep them in DATA_DIR (mode 0600), so sessions, the encrypted Odoo secret and the audit seals
 * survive restarts. The audit key is outside the database on purpose: whoever owns the database
 * cannot recompute the seals. A real deployment sets all three and this file is never written.
 */
export function localSecrets(): Secrets {
  const names = (Object.keys(GENERATED) as SecretName[]).filter((name) => !operatorSet(name));
  if (names.length === 0) return {};
  const file = secretsFile();
  const stored: Secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Secrets) : {};
  let changed = false;
  for (const name of Object.keys(GENERATED) as SecretName[]) {
    if (!stored[name]) {
      stored[name] = GENERATED[name]();
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return Object.fromEntries(names.map((name) => [name, stored[name]]));
}

/** The secrets `npm start` stored, without generating any (audit:verify reads the key it sealed with). */
export function storedLocalSecrets(): Secrets {
  const file = secretsFile();
  if (!existsSync(file)) return {};
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  return Object.fromEntries(
    (Object.keys(GENERATED) as SecretName[])
      .filter((name) => !operatorSet(name) && stored[name])
      .map((name) => [name, stored[name]]),
  );
}
