import { organisationToday } from '@/server/lib/org-time';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { milestones, projects } from '@/db/schema';
import { Money } from '@/server/lib/money';
import { attachRecordDocuments } from '@/server/modules/documents/document-odoo';
import type { OdooClient } from '@/server/odoo/client';
import { OdooBusinessError } from '@/server/odoo/errors';
import { readOdooMappings } from '@/server/modules/odoo-connection/odoo-config';
import {
  eachRecord,
  type SyncEffect,
  type SyncHandler,
  type SyncLinkInput,
  type SyncOneContext,
  type SyncResult,
} from '@/server/sync/registry';
import { requireCurrency, requireMapping } from '@/server/modules/odoo-connection/odoo-setup';
import { readOdooDocument } from '@/server/modules/workflow/follow-odoo-document';
import { applyInvoiceState, type InvoiceState } from './milestone-invoice-state.service';
import { findMilestoneLinkProblem } from './milestone-odoo-links';

const RECORD_TYPE = 'milestone';
const RELEASED_STATES = new Set(['released', 'invoiced', 'paid']);

/**
 * Level-triggered (server/sync/registry.ts): read the milestone now and make Odoo match it. A
 * released (or later) milestone has its project.milestone reached and ONE posted customer invoice
 * (out_invoice, ref = the milestone reference, partner = the sale order's customer): the milestone
 * amount linked to its sale order line, less the client retention on the retention-receivable account.
 * The invoice is searched by ref first and adopted, so a lost answer never makes a second one.
 */
export const milestoneSyncHandler: SyncHandler = {
  recordType: RECORD_TYPE,
  syncBatch: eachRecord(syncMilestone),

  async setSyncStatus(db, recordId, status) {
    await db.update(milestones).set({ syncStatus: status }).where(eq(milestones.id, recordId));
  },

  async describe(db, recordId) {
    const [row] = await db
      .select({
        reference: milestones.reference,
        projectId: milestones.projectId,
        amount: milestones.invoiceAmount,
        fixed: milestones.fixedAmount,
        syncStatus: milestones.syncStatus,
      })
      .from(milestones)
      .where(eq(milestones.id, recordId));
    if (!row) return null;
    return {
      reference: row.reference,
      projectId: row.projectId,
      amountAtStake: row.amount ?? row.fixed,
      syncStatus: row.syncStatus,
    };
  },
};

async function syncMilestone({ db, odoo, recordId }: SyncOneContext): Promise<SyncResult> {
  const m = await loadForSync(db, recordId);
  if (!RELEASED_STATES.has(m.row.status)) return { operation: 'no change (not released)' };
  if (!m.saleOrderId)
    throw missingMapping(`Project ${m.projectCode} has no Odoo sale order linked. Run a master-data pull.`);
  const [order] = await odoo.read('sale.order', [m.saleOrderId], ['name', 'partner_id', 'order_line']);
  const partnerId = m2oId(order?.partner_id);
  if (!order || partnerId === null)
    throw missingMapping(
      `Sale order ${m.saleOrderId} of project ${m.projectCode} no longer exists in Odoo or has no customer.`,
    );
  const operations: string[] = [];
  const links: SyncLinkInput[] = [];
  const effects: SyncEffect[] = [];
  // the ids a person chose are checked again right before anything is written (issue 20)
  const problem = await findMilestoneLinkProblem(
    odoo,
    { saleOrderId: m.saleOrderId, projectOdooId: m.projectOdooId },
    m.row,
  );
  if (problem)
    throw new OdooBusinessError({
      odooName: 'plumbline.ForeignOdooLink',
      message: `${m.row.reference}: ${problem.message}`,
    });

  const odooMilestone = await resolveOdooMilestone(odoo, m.row, m.projectOdooId);
  if (odooMilestone) {
    if (!odooMilestone.isReached) {
      await odoo.write('project.milestone', [odooMilestone.id], { is_reached: true });
      operations.push('mark milestone reached');
    }
    if (m.row.odooMilestoneId !== odooMilestone.id)
      effects.push(learnsOdooMilestone(recordId, odooMilestone.id));
    links.push({
      purpose: 'project_milestone',
      odooModel: 'project.milestone',
      odooId: odooMilestone.id,
      reference: m.row.reference,
    });
  } else operations.push('no Odoo milestone to mark reached');

  let invoiceId = (await findInvoice(odoo, m.row.reference, partnerId))?.id;
  if (invoiceId === undefined) {
    const saleLineId =
      m.row.odooSaleLineId ??
      odooMilestone?.saleLineId ??
      (Array.isArray(order.order_line) ? (order.order_line[0] as number | undefined) : undefined) ??
      null;
    invoiceId = await createInvoice(db, odoo, m, {
      partnerId,
      origin: String(order.name ?? ''),
      saleLineId,
    });
    operations.push('create customer invoice');
  } else operations.push('adopt customer invoice');
  const [current] = await odoo.read('account.move', [invoiceId], ['state']);
  if (current?.state === 'draft') {
    await odoo.action('account.move', 'action_post', [invoiceId]);
    operations.push('post');
  }
  // the milestone's evidence (documents of kind 'evidence') on the customer invoice, once each
  const attached = await attachRecordDocuments(db, odoo, {
    recordType: 'milestone',
    recordId,
    kind: 'evidence',
    resModel: 'account.move',
    resId: invoiceId,
  });
  if (attached.created > 0) operations.push(`attach ${attached.created} evidence document(s)`);
  effects.push(followsInvoice(recordId, await readInvoice(odoo, invoiceId)));
  links.push({
    purpose: 'customer_invoice',
    odooModel: 'account.move',
    odooId: invoiceId,
    reference: m.row.reference,
  });
  links.push(...attached.links);
  return { operation: operations.join(' + '), odooModel: 'account.move', odooId: invoiceId, links, effects };
}

/** The project.milestone found by name is remembered on the milestone (in the attempt's transaction). */
function learnsOdooMilestone(milestoneId: string, odooMilestoneId: number): SyncEffect {
  return {
    what: 'milestone learns its Odoo milestone',
    apply: async (tx) => {
      await tx.update(milestones).set({ odooMilestoneId }).where(eq(milestones.id, milestoneId));
    },
  };
}

/** The milestone follows its invoice (invoiced, paid, drift): milestone-invoice-state.service.ts. */
function followsInvoice(milestoneId: string, invoice: InvoiceState): SyncEffect {
  return {
    what: 'milestone follows its customer invoice',
    apply: async (tx) => {
      await applyInvoiceState(tx, milestoneId, invoice);
    },
  };
}

type MilestoneForSync = Awaited<ReturnType<typeof loadForSync>>;

export async function loadForSync(db: DbOrTx, recordId: string) {
  const [found] = await db
    .select({
      row: milestones,
      projectCode: projects.code,
      organisationId: projects.organisationId,
      saleOrderId: projects.odooSaleOrderId,
      projectOdooId: projects.odooId,
      currency: projects.currency,
      companyId: projects.odooCompanyId,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(eq(milestones.id, recordId));
  if (!found) throw missingMapping('The milestone no longer exists in Plumbline.');
  return found;
}

/** The linked project.milestone, else the project's one of the same name (adopted), else none. */
async function resolveOdooMilestone(
  odoo: OdooClient,
  row: MilestoneForSync['row'],
  projectOdooId: number | null,
) {
  const fields = ['is_reached', 'sale_line_id'];
  let found = row.odooMilestoneId
    ? (await odoo.read('project.milestone', [row.odooMilestoneId], fields))[0]
    : undefined;
  if (!found && projectOdooId) {
    [found] = await odoo.searchRead(
      'project.milestone',
      [
        ['project_id', '=', projectOdooId],
        ['name', '=', row.name],
      ],
      fields,
      { limit: 1, order: 'id' },
    );
  }
  return found
    ? { id: found.id, isReached: found.is_reached === true, saleLineId: m2oId(found.sale_line_id) }
    : null;
}

/** The milestone's customer invoice by its deterministic ref; a live one wins over a cancelled one. */
export async function findInvoice(
  odoo: OdooClient,
  reference: string,
  partnerId?: number | null,
): Promise<{ id: number; state: string } | null> {
  const domain: unknown[] = [
    ['move_type', '=', 'out_invoice'],
    ['ref', '=', reference],
  ];
  if (partnerId) domain.push(['partner_id', '=', partnerId]);
  const found = await odoo.searchRead<{ id: number; state: string }>('account.move', domain, ['state'], {
    order: 'id',
  });
  return found.find((move) => move.state !== 'cancel') ?? found[0] ?? null;
}

export function readInvoice(odoo: OdooClient, invoiceId: number): Promise<InvoiceState> {
  return readOdooDocument(odoo, invoiceId, {
    odooName: 'plumbline.InvoiceMissing',
    label: 'Customer invoice',
  });
}

async function createInvoice(
  db: DbOrTx,
  odoo: OdooClient,
  m: MilestoneForSync,
  order: { partnerId: number; origin: string; saleLineId: number | null },
): Promise<number> {
  const { row } = m;
  if (row.invoiceAmount === null)
    throw new Error(`${row.reference} is ${row.status} without a released amount`);
  const mappings = await readOdooMappings(db, m.organisationId);
  const retention = row.retentionAmount ?? '0.00';
  const hasRetention = !new Money(retention).isZero();
  const retentionAccountId = hasRetention
    ? await requireMapping(db, odoo, 'retentionReceivableAccountId', m.organisationId)
    : undefined;
  const saleLine = order.saleLineId
    ? (await odoo.read('sale.order.line', [order.saleLineId], ['product_id', 'price_unit']))[0]
    : undefined;
  const productId = m2oId(saleLine?.product_id);
  const name = `${row.reference} · ${row.name}`;
  const lines: Record<string, unknown>[] = saleLine
    ? contractLineShare(name, row.invoiceAmount, saleLine.id, Number(saleLine.price_unit ?? 0), productId)
    : [{ name, quantity: 1, price_unit: Number(row.invoiceAmount), tax_ids: [[6, 0, []]] }];
  if (hasRetention)
    lines.push({
      name: `${row.reference} · Retention`,
      quantity: 1,
      price_unit: -Number(retention),
      tax_ids: [[6, 0, []]],
      account_id: retentionAccountId,
    });
  return odoo.create('account.move', {
    move_type: 'out_invoice',
    partner_id: order.partnerId,
    ref: row.reference,
    invoice_origin: order.origin,
    // one company and one currency per project (issue 14)
    currency_id: await requireCurrency(odoo, m.currency),
    ...(m.companyId ? { company_id: m.companyId } : {}),
    // the release's date in the organisation's time zone: 09:00 in Sydney is that Sydney day
    ...(row.releasedAt
      ? { invoice_date: await organisationToday(db, m.organisationId, row.releasedAt) }
      : {}),
    ...(mappings.salesJournalId ? { journal_id: mappings.salesJournalId } : {}),
    invoice_line_ids: lines.map((line) => [0, 0, line]),
  });
}

/** Quantities Odoo keeps to 2 decimals (decimal precision "Product Unit of Measure"). */
const QTY_DIGITS = 2;

/**
 * The milestone as a share of its contract (sale order) line, in the line's own units: quantity =
 * amount ÷ the line's unit price, at the line's unit price. Odoo adds an invoice line's quantity to
 * the sale line's `qty_invoiced` (sale_order_line.py `_compute_qty_invoiced`), so 15 % then 20 % of a
 * one-unit contract line read 0.35 invoiced and 0.65 still to invoice — where a quantity of 1 marked
 * the whole contract invoiced after the first milestone (issue 14). When the share is not exact at
 * Odoo's quantity precision, the cents left over go on a second line, not linked to the contract line,
 * so the invoice total stays the released amount to the cent.
 */
export function contractLineShare(
  name: string,
  amount: string,
  saleLineId: number,
  linePrice: number,
  productId: number | null,
): Record<string, unknown>[] {
  const total = new Money(amount);
  const common = { tax_ids: [[6, 0, []]], ...(productId ? { product_id: productId } : {}) };
  if (!(linePrice > 0))
    return [
      {
        name,
        quantity: 1,
        price_unit: Number(amount),
        tax_ids: [[6, 0, []]],
        sale_line_ids: [[6, 0, [saleLineId]]],
      },
    ];
  const quantity = Number(total.div(linePrice).toDecimalPlaces(QTY_DIGITS).toString());
  const lines: Record<string, unknown>[] = [
    { name, quantity, price_unit: linePrice, ...common, sale_line_ids: [[6, 0, [saleLineId]]] },
  ];
  const rest = total.minus(new Money(linePrice).times(quantity).toDecimalPlaces(2));
  if (!rest.isZero())
    lines.push({
      name: `${name} (rounding to the contract line's quantity)`,
      quantity: 1,
      price_unit: Number(rest.toFixed(2)),
      tax_ids: [[6, 0, []]],
    });
  return lines;
}

function m2oId(value: unknown): number | null {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : null;
}

function missingMapping(message: string) {
  return new OdooBusinessError({ odooName: 'plumbline.MissingMapping', message });
}
