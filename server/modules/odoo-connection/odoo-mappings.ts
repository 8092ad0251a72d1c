import type { Db } from '@/db/client';
import type { OdooMappings } from '@/db/schema';
import { isDomainError } from '@/server/errors';
import type { OdooClient } from '@/server/odoo/client';
import { COST_CODE_PLAN_NAME, DEMO_ACCOUNTS, DEMO_PRODUCTS } from '@/tools/odoo-sim/demo-data';
import { readOdooMappings } from './odoo-config';
import { saveOdooMappings } from './odoo-connection.service';

/**
 * Out-of-the-box defaults: a mapping nobody has chosen is looked up by the names and codes of the
 * demo company (tools/odoo-sim/demo-data.ts), so `npm start` against the simulator needs no set-up.
 * Against a real Odoo the same lookups simply find nothing (or the same-named plan, a sane default);
 * a chosen mapping is never replaced. Audited as `odoo.mappings.discover` by the system.
 */
export async function fillMissingMappings(
  db: Db,
  odoo: OdooClient,
  organisationId: string,
): Promise<OdooMappings> {
  const current = await readOdooMappings(db, organisationId);
  const found: Partial<Record<keyof OdooMappings, number>> = {};
  const first = async (model: string, domain: unknown[]) =>
    (await odoo.search(model, domain, { limit: 1, order: 'id' }))[0];
  const lookups: [keyof OdooMappings, () => Promise<number | undefined>][] = [
    [
      'retentionPayableAccountId',
      () => first('account.account', [['code', '=', DEMO_ACCOUNTS.retentionPayable.code]]),
    ],
    [
      'retentionReceivableAccountId',
      () => first('account.account', [['code', '=', DEMO_ACCOUNTS.retentionReceivable.code]]),
    ],
    ['purchaseJournalId', () => first('account.journal', [['type', '=', 'purchase']])],
    ['salesJournalId', () => first('account.journal', [['type', '=', 'sale']])],
    [
      'changeOrderProductId',
      () => first('product.product', [['default_code', '=', DEMO_PRODUCTS.changeOrderWork.code]]),
    ],
    ['costCodePlanId', () => first('account.analytic.plan', [['name', '=', COST_CODE_PLAN_NAME]])],
  ];
  for (const [key, lookup] of lookups) {
    if (current[key]) continue;
    const id = await lookup();
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
