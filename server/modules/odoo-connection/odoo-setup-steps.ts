import type { OdooMappings } from '../../../db/schema/odoo';

export type MappingKey = keyof OdooMappings;

/**
 * What an Odoo administrator sets up before Plumbline can sync, one entry per mapping, in the words of
 * Odoo's menus. The single source for the setup checklist: the exception a blocked sync raises, the
 * admin screen and README "Connect your Odoo" all say this.
 */
export const SETUP_STEPS: Record<MappingKey, { label: string; required: boolean; inOdoo: string }> = {
  retentionPayableAccountId: {
    label: 'Retention payable account',
    required: true,
    inOdoo:
      'Accounting → Configuration → Chart of Accounts: a liability account (e.g. "Retention payable"); then choose it on Plumbline Admin → Odoo.',
  },
  retentionReceivableAccountId: {
    label: 'Retention receivable account',
    required: true,
    inOdoo:
      'Accounting → Configuration → Chart of Accounts: a current-asset account (e.g. "Retention receivable"); then choose it on Plumbline Admin → Odoo.',
  },
  changeOrderProductId: {
    label: 'Change-order product',
    required: true,
    inOdoo:
      'Sales → Products: a service product for change-order lines (e.g. "Change order work"); then choose it on Plumbline Admin → Odoo.',
  },
  costCodePlanId: {
    label: 'Cost-code analytic plan',
    required: true,
    inOdoo:
      'Settings → Accounting → enable Analytic Accounting; Accounting → Configuration → Analytic Plans: a plan whose accounts carry your cost codes; then choose it on Plumbline Admin → Odoo.',
  },
  purchaseJournalId: {
    label: 'Vendor bills journal',
    required: false,
    inOdoo:
      'Optional: Accounting → Configuration → Journals. Unset, Odoo uses its default purchase journal of the company.',
  },
  salesJournalId: {
    label: 'Customer invoices journal',
    required: false,
    inOdoo:
      'Optional: Accounting → Configuration → Journals. Unset, Odoo uses its default sales journal of the company.',
  },
};

/**
 * External ids the bundled simulator's demo database gives its ready-made set-up records
 * (tools/odoo-sim/seed-demo.ts). A real Odoo has no module `plumbline_demo`, so against one these
 * find nothing and every unmapped setting blocks the sync: there is no guessing by account code,
 * product code or plan name (issue 14).
 */
export const DEMO_SETUP_XMLIDS: Record<MappingKey, string> = {
  retentionPayableAccountId: 'plumbline_demo.retention_payable',
  retentionReceivableAccountId: 'plumbline_demo.retention_receivable',
  changeOrderProductId: 'plumbline_demo.change_order_product',
  costCodePlanId: 'plumbline_demo.cost_code_plan',
  purchaseJournalId: 'plumbline_demo.purchase_journal',
  salesJournalId: 'plumbline_demo.sales_journal',
};
