import type { Db } from '@/db/client';
import type { OdooMappings } from '@/db/schema';
import { isDomainError } from '@/server/errors';
import type { OdooClient } from '@/server/odoo/client';
import { readOdooMappings } from './odoo-config';
import { saveOdooMappings } from './odoo-connection.service';
import { DEMO_SETUP_XMLIDS, resolveXmlids, type MappingKey } from './odoo-setup';

/**
 * Adopts the simulator demo database's ready-made set-up (its `plumbline_demo.*` external ids) for
 * every mapping nobody has chosen, so `npm start` against the simulator needs no set-up. A real Odoo
 * has none of these ids: nothing is found, nothing is guessed (no account codes, product codes or plan
 * names), and the sync of anything that needs a missing mapping is blocked with the setup checklist
 * (odoo-setup.ts). A chosen mapping is never replaced. Audited as `odoo.mappings.discover`.
 */
export async function fillMissingMappings(
  db: Db,
  odoo: OdooClient,
  organisationId: string,
): Promise<OdooMappings> {
  const current = await readOdooMappings(db, organisationId);
  const missing = (Object.keys(DEMO_SETUP_XMLIDS) as MappingKey[]).filter((key) => !current[key]);
  if (missing.length === 0) return current;
  const ids = await resolveXmlids(
    odoo,
    missing.map((key) => DEMO_SETUP_XMLIDS[key]),
  );
  const found: Partial<Record<MappingKey, number>> = {};
  for (const key of missing) {
    const id = ids.get(DEMO_SETUP_XMLIDS[key]);
    if (id) found[key] = id;
  }
  if (Object.keys(found).length === 0) return current;
  try {
    await saveOdooMappings(db, found, null, organisationId);
  } catch (error) {
    // No connection row and no ODOO_URL (a client built by hand, as in tests): use them for this run only.
    if (!(isDomainError(error) && error.code === 'ODOO_NOT_CONFIGURED')) throw error;
  }
  return { ...current, ...found };
}
