import { createHash } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import type { OdooClient } from '@/server/odoo/client';
import { OdooConfigurationError } from '@/server/odoo/errors';
import { odooClientFor, resolveOdooConfig } from '@/server/modules/odoo-connection/odoo-config';

/**
 * The same resolution as the web app and the master-data pull (server/modules/odoo-connection/odoo-config.ts):
 * environment variables win, else the connection saved on Admin → Odoo (secret decrypted in memory),
 * else a configuration error. Resolved for every job, so a
 * connection saved on the admin screen is used without restarting the worker.
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
  const digest = createHash('sha256')
    .update(config.apiKey ?? config.password ?? '')
    .digest('hex');
  const key = ['resolved', config.source, config.url, config.database, config.login, digest].join('|');
  if (resolvedCache?.key !== key) resolvedCache = { key, client: odooClientFor(config) };
  return resolvedCache.client;
}
let resolvedCache: { key: string; client: OdooClient } | undefined;
