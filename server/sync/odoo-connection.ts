import { createHash } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { OdooConfigurationError } from '@/server/odoo/errors';
import { odooClientFor, resolveOdooConfig } from '@/server/modules/odoo-connection/odoo-config';

let cached: { key: string; client: OdooClient } | undefined;

/**
 * The Odoo client the sync worker uses, from ODOO_URL / ODOO_DB / ODOO_LOGIN / ODOO_API_KEY or
 * ODOO_PASSWORD. Without a connection it throws a configuration error, so each sync is recorded as
 * 'blocked' with an exception for an administrator instead of crashing the worker.
 * (A connection stored in the database, set up by an administrator, can replace this later.)
 */
export function syncOdooClient(): OdooClient {
  const { ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_API_KEY, ODOO_PASSWORD } = env();
  if (!ODOO_URL || !ODOO_DB || !ODOO_LOGIN || (!ODOO_API_KEY && !ODOO_PASSWORD)) {
    throw new OdooConfigurationError({
      odooName: 'plumbline.OdooNotConfigured',
      message: 'No Odoo connection is configured (URL, database, login and an API key or password are needed).',
    });
  }
  const key = [ODOO_URL, ODOO_DB, ODOO_LOGIN].join('|');
  if (cached?.key !== key) {
    cached = { key, client: createOdooClient({ url: ODOO_URL, db: ODOO_DB, login: ODOO_LOGIN, apiKey: ODOO_API_KEY, password: ODOO_PASSWORD }) };
  }
  return cached.client;
}

/**
 * The same resolution as the web app and the master-data pull (server/modules/odoo-connection/odoo-config.ts):
 * environment variables win, else the connection saved on Admin → Odoo (secret decrypted in memory),
 * else a configuration error. Async because it reads the database; the engine can switch to it from
 * `syncOdooClient` when it takes an async client factory.
 */
export async function resolveSyncOdooClient(db: DbOrTx): Promise<OdooClient> {
  const config = await resolveOdooConfig(db);
  if (!config) {
    throw new OdooConfigurationError({
      odooName: 'plumbline.OdooNotConfigured',
      message: 'No Odoo connection is configured (set ODOO_URL …, or save one on Admin → Odoo).',
    });
  }
  // a digest of the secret, so a changed key gets a new client without the key itself being kept as text
  const digest = createHash('sha256').update(config.apiKey ?? config.password ?? '').digest('hex');
  const key = ['resolved', config.source, config.url, config.database, config.login, digest].join('|');
  if (resolvedCache?.key !== key) resolvedCache = { key, client: odooClientFor(config) };
  return resolvedCache.client;
}
let resolvedCache: { key: string; client: OdooClient } | undefined;
