import type { DbOrTx } from '@/db/client';
import type { OdooMappings } from '@/db/schema';
import type { OdooClient } from '@/server/odoo/client';
import { OdooConfigurationError } from '@/server/odoo/errors';
import { readOdooMappings } from './odoo-config';
import { DEMO_SETUP_XMLIDS, SETUP_STEPS, type MappingKey } from './odoo-setup-steps';

export { DEMO_SETUP_XMLIDS, SETUP_STEPS, type MappingKey };

/** Lines of the setup checklist for the mappings still missing (required ones first). */
export function setupChecklist(mappings: OdooMappings): string[] {
  return (Object.entries(SETUP_STEPS) as [MappingKey, (typeof SETUP_STEPS)[MappingKey]][])
    .filter(([key]) => !mappings[key])
    .sort(([, a], [, b]) => Number(b.required) - Number(a.required))
    .map(([, step]) => `${step.label}${step.required ? '' : ' (optional)'}: ${step.inOdoo}`);
}

/** The sync cannot go on until an administrator finishes the Odoo set-up: blocked, for an admin. */
export function setupIncomplete(key: MappingKey, mappings: OdooMappings): OdooConfigurationError {
  const step = SETUP_STEPS[key];
  const checklist = setupChecklist(mappings).filter((line) => !line.includes('(optional)'));
  return new OdooConfigurationError({
    odooName: 'plumbline.SetupIncomplete',
    message: `${step.label} is not set up, so Plumbline will not guess one. Setup checklist:\n- ${checklist.join('\n- ')}`,
    details: { mapping: key, checklist },
  });
}

/** The ids behind `module.name` external ids, via ir.model.data (readable by internal users). */
export async function resolveXmlids(odoo: OdooClient, xmlids: string[]): Promise<Map<string, number>> {
  const pairs = xmlids.map((x) => x.split('.', 2) as [string, string]);
  const modules = [...new Set(pairs.map(([module]) => module))];
  const rows = await odoo.searchRead<{ id: number; module: string; name: string; res_id: number }>(
    'ir.model.data',
    [
      ['module', 'in', modules],
      ['name', 'in', pairs.map(([, name]) => name)],
    ],
    ['module', 'name', 'res_id'],
  );
  return new Map(rows.filter((r) => r.res_id).map((r) => [`${r.module}.${r.name}`, r.res_id]));
}

/**
 * The id an administrator mapped for `key`; else, only on the simulator's demo database, its
 * `plumbline_demo.*` record; else the sync is blocked with the setup checklist.
 */
export async function requireMapping(
  db: DbOrTx,
  odoo: OdooClient,
  key: MappingKey,
  organisationId?: string,
): Promise<number> {
  const mappings = await readOdooMappings(db, organisationId);
  const mapped = mappings[key];
  if (mapped) return mapped;
  const demo = (await resolveXmlids(odoo, [DEMO_SETUP_XMLIDS[key]])).get(DEMO_SETUP_XMLIDS[key]);
  if (demo) return demo;
  throw setupIncomplete(key, mappings);
}

const currencyCache = new WeakMap<OdooClient, Map<string, Promise<number>>>();

/**
 * The Odoo id of an active currency by ISO code, for `currency_id` on every document. An inactive or
 * unknown currency blocks the sync with the step an Odoo administrator takes (issue 14: bills were
 * made in the company's USD for amounts shown in £).
 */
export function requireCurrency(odoo: OdooClient, code: string): Promise<number> {
  let perClient = currencyCache.get(odoo);
  if (!perClient) currencyCache.set(odoo, (perClient = new Map()));
  let found = perClient.get(code);
  if (!found) {
    found = odoo.search('res.currency', [['name', '=', code]], { limit: 1 }).then((ids) => {
      if (ids[0] === undefined)
        throw new OdooConfigurationError({
          odooName: 'plumbline.CurrencyInactive',
          message: `${code} is not an active currency in Odoo, so Plumbline cannot issue documents in it. Activate it in Odoo (Accounting → Configuration → Currencies), or correct the currency in Plumbline.`,
        });
      return ids[0];
    });
    found.catch(() => perClient.delete(code));
    perClient.set(code, found);
  }
  return found;
}
