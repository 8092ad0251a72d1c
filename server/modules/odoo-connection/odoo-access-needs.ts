import type { OdooClient } from '@/server/odoo/client';
import { isOdooError } from '@/server/odoo/errors';

type Operation = 'read' | 'create' | 'write' | 'unlink';

/**
 * Every model and operation the pull and the sync use, with what an Odoo administrator grants for it
 * (Settings → Users & Companies → Users → the integration user → Access Rights). "Test connection"
 * asks Odoo about each one, so a missing right shows before the first sync, not as a 403 mid-way.
 */
export const ODOO_ACCESS_NEEDS: { model: string; operations: Operation[]; what: string; grant: string }[] = [
  {
    model: 'res.partner',
    operations: ['read'],
    what: 'read contacts (vendors, customers)',
    grant: 'Contacts or Sales: User',
  },
  {
    model: 'res.partner.category',
    operations: ['read', 'create'],
    what: 'find or create the partner tag "Compliance: expired" (and tag vendors with it)',
    grant: 'Contacts: Contact Creation (Extra Rights)',
  },
  {
    model: 'ir.attachment',
    operations: ['read', 'create'],
    what: "attach subcontractors' invoices to bills and milestone evidence to invoices",
    grant: 'Internal User',
  },
  { model: 'res.company', operations: ['read'], what: 'read companies', grant: 'Internal User' },
  { model: 'res.currency', operations: ['read'], what: 'read currencies', grant: 'Internal User' },
  {
    model: 'ir.model.data',
    operations: ['read'],
    what: 'read external ids (chatter note type)',
    grant: 'Internal User',
  },
  { model: 'project.project', operations: ['read'], what: 'read projects', grant: 'Project: User' },
  {
    model: 'project.milestone',
    operations: ['read', 'write'],
    what: 'read and mark project milestones reached',
    grant: 'Project: User, with Milestones enabled in Project → Configuration → Settings',
  },
  {
    model: 'account.analytic.plan',
    operations: ['read'],
    what: 'read analytic plans (cost codes)',
    grant: 'Settings → Accounting → Analytics: enable "Analytic Accounting"',
  },
  {
    model: 'account.analytic.account',
    operations: ['read'],
    what: 'read analytic accounts (projects, cost codes)',
    grant: 'Settings → Accounting → Analytics: enable "Analytic Accounting"',
  },
  {
    model: 'account.analytic.line',
    operations: ['read'],
    what: 'read analytic items (actual cost)',
    grant: 'Settings → Accounting → Analytics: enable "Analytic Accounting"',
  },
  {
    model: 'account.account',
    operations: ['read'],
    what: 'read the chart of accounts (retention accounts)',
    grant: 'Invoicing: Billing or Accounting: Accountant',
  },
  {
    model: 'account.journal',
    operations: ['read'],
    what: 'read journals',
    grant: 'Invoicing: Billing or Accounting: Accountant',
  },
  {
    model: 'account.move',
    operations: ['read', 'create', 'write'],
    what: 'create, post and cancel vendor bills and customer invoices',
    grant: 'Invoicing: Billing or Accounting: Accountant',
  },
  {
    model: 'product.product',
    operations: ['read'],
    what: 'read products (change-order product)',
    grant: 'Sales: User or Purchase: User',
  },
  {
    model: 'purchase.order',
    operations: ['read'],
    what: 'read purchase orders (subcontracts)',
    grant: 'Purchase: User',
  },
  {
    model: 'purchase.order.line',
    operations: ['read', 'create', 'write'],
    what: 'add change-order lines to purchase orders',
    grant: 'Purchase: User',
  },
  {
    model: 'sale.order',
    operations: ['read'],
    what: 'read sale orders (client contracts)',
    grant: 'Sales: User: All Documents',
  },
  {
    model: 'sale.order.line',
    operations: ['read', 'create', 'write'],
    what: 'add change-order lines to sale orders',
    grant: 'Sales: User: All Documents',
  },
  {
    model: 'mail.message',
    operations: ['create'],
    what: 'log approval notes in the chatter',
    grant: 'Internal User',
  },
];

export type AccessProblem = {
  model: string;
  operation: Operation;
  what: string;
  grant: string;
  moduleMissing: boolean;
};

/** Asks Odoo about every need (a few calls at a time, through the client's own bound) and lists what is refused. */
export async function missingOdooAccess(odoo: OdooClient): Promise<AccessProblem[]> {
  const checks = ODOO_ACCESS_NEEDS.flatMap((need) =>
    need.operations.map((operation) => ({ ...need, operation })),
  );
  const answers = await Promise.all(
    checks.map(async (check) => {
      try {
        return { check, allowed: await odoo.hasAccess(check.model, check.operation), moduleMissing: false };
      } catch (error) {
        // "Object … doesn't exist": the module that brings the model is not installed.
        if (isOdooError(error) && /doesn't exist|does not exist/.test(error.message))
          return { check, allowed: false, moduleMissing: true };
        throw error;
      }
    }),
  );
  return answers
    .filter((a) => !a.allowed)
    .map(({ check, moduleMissing }) => ({
      model: check.model,
      operation: check.operation,
      what: check.what,
      grant: check.grant,
      moduleMissing,
    }));
}

/** One line per missing right, grouped by what to grant, in words an Odoo administrator acts on. */
export function describeMissingAccess(problems: AccessProblem[]): string[] {
  const byGrant = new Map<string, string[]>();
  for (const p of problems) {
    const key = p.moduleMissing ? `Install the Odoo app that provides ${p.model}` : `Grant ${p.grant}`;
    const list = byGrant.get(key) ?? [];
    if (!list.includes(p.what)) list.push(p.what);
    byGrant.set(key, list);
  }
  return [...byGrant].map(([grant, whats]) => `${grant} — needed to ${whats.join('; ')}.`);
}
