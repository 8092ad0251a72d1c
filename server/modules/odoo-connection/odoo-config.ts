import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { odooConnections, type OdooMappings } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { env } from '@/server/env';
import { decryptSecret } from '@/server/lib/crypto';
import { createOdooClient, type OdooClient, type OdooClientConfig } from '@/server/odoo/client';

/**
 * Which Odoo to talk to, decided in one place for the web app and the worker alike:
 * environment variables (ODOO_URL …) win when set; otherwise the connection saved on Admin → Odoo
 * (its secret decrypted here, in memory only); otherwise none.
 */
export type ResolvedOdooConfig = {
  source: 'environment' | 'stored';
  simulated: boolean;
  url: string;
  database: string;
  login: string;
  authMethod: 'api_key' | 'password';
  apiKey?: string;
  password?: string;
  organisationId: string | null;
};

/** A row saved only to hold mappings while the environment configures the connection has no secret. */
export const NO_SECRET = '';

export async function storedConnectionRow(db: DbOrTx, organisationId?: string) {
  const [row] = await db
    .select()
    .from(odooConnections)
    .where(organisationId ? eq(odooConnections.organisationId, organisationId) : undefined)
    .orderBy(asc(odooConnections.updatedAt))
    .limit(1);
  return row ?? null;
}

export async function resolveOdooConfig(
  db: DbOrTx,
  organisationId?: string,
): Promise<ResolvedOdooConfig | null> {
  const config = env();
  const row = await storedConnectionRow(db, organisationId);
  if (config.ODOO_URL) {
    return {
      source: 'environment',
      simulated: config.ODOO_SIMULATOR,
      url: config.ODOO_URL,
      database: config.ODOO_DB ?? '',
      login: config.ODOO_LOGIN ?? '',
      authMethod: config.ODOO_API_KEY ? 'api_key' : 'password',
      apiKey: config.ODOO_API_KEY,
      password: config.ODOO_PASSWORD,
      organisationId: row?.organisationId ?? organisationId ?? null,
    };
  }
  if (!row || row.secretCiphertext === NO_SECRET) return null;
  const secret = decryptSecret({ ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag });
  return {
    source: 'stored',
    simulated: false,
    url: row.url,
    database: row.database,
    login: row.login,
    authMethod: row.authMethod,
    ...(row.authMethod === 'api_key' ? { apiKey: secret } : { password: secret }),
    organisationId: row.organisationId,
  };
}

export function odooClientFor(
  config: ResolvedOdooConfig,
  overrides: Partial<OdooClientConfig> = {},
): OdooClient {
  return createOdooClient({
    url: config.url,
    db: config.database,
    login: config.login,
    apiKey: config.apiKey,
    password: config.password,
    ...overrides,
  });
}

/** The resolved config and a client for it, or null when no Odoo is configured. */
export async function createConfiguredOdooClient(db: DbOrTx, organisationId?: string) {
  const config = await resolveOdooConfig(db, organisationId);
  return config ? { config, client: odooClientFor(config) } : null;
}

/** The mappings saved for the organisation (or the only organisation), whatever the connection source. */
export async function readOdooMappings(db: DbOrTx, organisationId?: string): Promise<OdooMappings> {
  const row = await storedConnectionRow(db, organisationId);
  return row?.mappings ?? {};
}

/** Secret-free facts about a stored row, for screens and audit. */
export function describeStoredSecret(row: { secretCiphertext: string; secretLast4: string } | null) {
  const secretSet = Boolean(row && row.secretCiphertext !== NO_SECRET);
  return { secretSet, secretLast4: secretSet ? (row?.secretLast4 ?? null) : null };
}

/** Where a person opens an Odoo record (`/web#…` works on 16–19); the address only, never a secret. */
/**
 * A link into Odoo's web client, for administrators only: the Odoo host is internal infrastructure
 * (and the database name rides in it), so other roles never receive it (issue 20).
 */
export async function odooRecordUrl(
  db: DbOrTx,
  actor: Actor,
  model: string,
  id: number | null,
): Promise<string | null> {
  if (!id || !canSeeOdooAddress(actor)) return null;
  const base = env().ODOO_URL ?? (await storedConnectionRow(db))?.url;
  return base
    ? `${base.replace(/\/+$/, '')}/web#id=${id}&model=${encodeURIComponent(model)}&view_type=form`
    : null;
}

/** Who may learn where Odoo lives (its URL, host and database): the administrators who configure it. */
export function canSeeOdooAddress(actor: Actor): boolean {
  return actor.role === 'admin';
}
