import { dateIn } from '@/server/lib/zoned-date';
import { createHmac } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  approvalDecisions,
  changeOrders,
  organisations,
  projects,
  sovLines,
  subcontracts,
  users,
} from '@/db/schema';
import { env } from '@/server/env';
import { analyticDistribution } from '@/server/odoo/field-names';
import { OdooBusinessError } from '@/server/odoo/errors';
import type { OdooClient, OdooDomain } from '@/server/odoo/client';
import type { SyncBatchContext, SyncBatchOutcome, SyncEffect, SyncLinkInput } from '@/server/sync/registry';
import { requireMapping } from '@/server/modules/odoo-connection/odoo-setup';

const RECORD_TYPE = 'change_order';

/**
 * The change-order handler (change-order.sync.ts), for one CO or many, with Odoo asked once per step
 * for the whole batch instead of once per CO:
 *   1. one search_read per line model for every "[CO-…]" prefix on those orders → adopt what exists;
 *   2. one createMany per line model for the COs with no line yet;
 *   3. one search_read of the orders' chatter for every approval marker → adopt;
 *   4. one createMany of mail.message notes for the COs whose trail is not there yet.
 * So a batch of 50 COs costs ~4 Odoo calls where one-by-one costs ~150. A failing step fails only the
 * COs it concerned (each is then retried by the engine, and its retry adopts what was made).
 */
export async function syncChangeOrderBatch({
  db,
  odoo,
  items,
}: SyncBatchContext): Promise<Map<string, SyncBatchOutcome>> {
  const outcomes = new Map<string, SyncBatchOutcome>();
  const ids = [...new Set(items.map((item) => item.recordId))];
  const rows = await loadBatchForSync(db, ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const work: Work[] = [];
  for (const id of ids) {
    const co = byId.get(id);
    if (!co) outcomes.set(id, { error: missingMapping('The change order no longer exists in Plumbline.') });
    else if (co.status !== 'approved' || co.kind === 'internal')
      outcomes.set(id, { result: { operation: 'no change (not an approved client or commitment CO)' } });
    else if (co.kind === 'client' && !co.saleOrderId)
      outcomes.set(id, {
        error: missingMapping(
          `Project ${co.projectCode} has no Odoo sale order linked. Run a master-data pull, or link the contract in Odoo.`,
        ),
      });
    else if (co.kind === 'commitment' && !co.purchaseOrderId)
      outcomes.set(id, {
        error: missingMapping(
          `Subcontract ${co.subcontractReference ?? ''} has no Odoo purchase order linked.`,
        ),
      });
    else {
      const correlationId = items.find((item) => item.recordId === id)?.correlationId ?? null;
      work.push(
        co.kind === 'client'
          ? {
              co,
              lineModel: 'sale.order.line',
              orderModel: 'sale.order',
              orderId: co.saleOrderId!,
              correlationId,
            }
          : {
              co,
              lineModel: 'purchase.order.line',
              orderModel: 'purchase.order',
              orderId: co.purchaseOrderId!,
              correlationId,
            },
      );
    }
  }
  if (work.length === 0) return outcomes;

  const failed = (targets: Work[], error: unknown) => {
    for (const target of targets) outcomes.set(target.co.id, { error });
  };
  let productId: number;
  let version: number;
  let fields: Awaited<ReturnType<OdooClient['fieldNames']>>;
  try {
    productId = await changeOrderProduct(db, odoo);
    version = (await odoo.version()).major;
    fields = await odoo.fieldNames();
  } catch (error) {
    failed(work, error);
    return outcomes;
  }

  for (const lineModel of ['sale.order.line', 'purchase.order.line'] as const) {
    const group = work.filter((w) => w.lineModel === lineModel);
    if (group.length === 0) continue;
    try {
      await findOrCreateLines(odoo, lineModel, group, (w) => lineValues(w, productId, version, fields));
    } catch (error) {
      failed(group, error);
    }
  }
  const withLine = work.filter((w) => w.lineId !== undefined && !outcomes.has(w.co.id));
  try {
    await findOrPostTrails(db, odoo, withLine);
  } catch (error) {
    failed(withLine, error);
  }
  for (const w of withLine) {
    if (outcomes.has(w.co.id) || w.lineId === undefined || w.noteId === undefined) continue;
    const purpose = w.lineModel === 'sale.order.line' ? 'sale_order_line' : 'purchase_order_line';
    const links: SyncLinkInput[] = [
      { purpose, odooModel: w.lineModel, odooId: w.lineId, reference: w.co.reference },
      { purpose: 'chatter_note', odooModel: 'mail.message', odooId: w.noteId, reference: w.co.reference },
    ];
    outcomes.set(w.co.id, {
      result: {
        operation: w.lineModel === 'sale.order.line' ? 'sale order line' : 'purchase order line',
        odooModel: w.lineModel,
        odooId: w.lineId,
        links,
        effects: w.lineModel === 'purchase.order.line' ? [sovLineLearnsOdooLine(w.co.id, w.lineId)] : [],
      },
    });
  }
  return outcomes;
}

/** The SOV line a commitment CO added learns its Odoo line, so claims against it bill the right PO line. */
function sovLineLearnsOdooLine(changeOrderId: string, lineId: number): SyncEffect {
  return {
    what: 'SOV line learns its Odoo purchase order line',
    apply: async (tx) => {
      await tx
        .update(sovLines)
        .set({ odooPurchaseLineId: lineId, updatedAt: new Date() })
        .where(eq(sovLines.changeOrderId, changeOrderId));
    },
  };
}

type BatchRow = Awaited<ReturnType<typeof loadBatchForSync>>[number];
type Work = {
  co: BatchRow;
  lineModel: 'sale.order.line' | 'purchase.order.line';
  orderModel: 'sale.order' | 'purchase.order';
  orderId: number;
  correlationId?: string | null;
  lineId?: number;
  noteId?: number;
};

async function loadBatchForSync(db: DbOrTx, ids: string[]) {
  return db
    .select({
      id: changeOrders.id,
      status: changeOrders.status,
      kind: changeOrders.kind,
      reference: changeOrders.reference,
      title: changeOrders.title,
      costTotalAmount: changeOrders.costTotalAmount,
      sellTotalAmount: changeOrders.sellTotalAmount,
      projectCode: projects.code,
      saleOrderId: projects.odooSaleOrderId,
      projectAnalyticAccountId: projects.odooAnalyticAccountId,
      purchaseOrderId: subcontracts.odooPurchaseOrderId,
      subcontractReference: subcontracts.reference,
      // the cost code of the SOV line the CO added (unique per CO), as in the one-by-one sync
      costCodeAnalyticAccountId: sql<
        number | null
      >`(SELECT c.odoo_analytic_account_id FROM sov_lines sl JOIN cost_codes c ON c.id = sl.cost_code_id WHERE sl.change_order_id = ${changeOrders.id} LIMIT 1)`,
    })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .leftJoin(subcontracts, eq(subcontracts.id, changeOrders.subcontractId))
    .where(inArray(changeOrders.id, ids));
}

function lineValues(
  w: Work,
  productId: number,
  version: number,
  fields: Awaited<ReturnType<OdooClient['fieldNames']>>,
): Record<string, unknown> {
  const { co } = w;
  const name = `[${co.reference}] ${co.title}`;
  if (w.lineModel === 'sale.order.line') {
    return {
      order_id: w.orderId,
      name,
      product_id: productId,
      product_uom_qty: 1,
      price_unit: Number(co.sellTotalAmount ?? '0'),
      [fields.saleLineTaxes]: [[6, 0, []]],
    };
  }
  const distribution = co.projectAnalyticAccountId
    ? analyticDistribution(version, co.projectAnalyticAccountId, co.costCodeAnalyticAccountId ?? undefined)
    : undefined;
  return {
    order_id: w.orderId,
    name,
    product_id: productId,
    product_qty: 1,
    price_unit: Number(co.costTotalAmount),
    [fields.purchaseLineTaxes]: [[6, 0, []]],
    ...(distribution ? { analytic_distribution: distribution } : {}),
  };
}

/** Odoo's prefix notation for "any of these": n−1 '|' before the n terms. */
function anyOf(terms: OdooDomain[]): OdooDomain {
  return [...Array.from({ length: terms.length - 1 }, () => '|'), ...terms.flat()];
}

/** Search every "[CO-…]" prefix at once, adopt the lines found, create the rest with one createMany. */
async function findOrCreateLines(
  odoo: OdooClient,
  model: string,
  group: Work[],
  values: (w: Work) => Record<string, unknown>,
): Promise<void> {
  const orderIds = [...new Set(group.map((w) => w.orderId))];
  const prefixes = anyOf(group.map((w) => [['name', '=like', `[${w.co.reference}]%`]]));
  const found = await odoo.searchRead<{ id: number; name: string; order_id: [number, string] | number }>(
    model,
    ['&', ['order_id', 'in', orderIds], ...prefixes],
    ['name', 'order_id'],
    { order: 'id' },
  );
  for (const w of group) {
    const line = found.find(
      (row) => orderOf(row.order_id) === w.orderId && row.name.startsWith(`[${w.co.reference}]`),
    );
    if (line) w.lineId = line.id;
  }
  const missing = group.filter((w) => w.lineId === undefined);
  if (missing.length === 0) return;
  const created = await odoo.createMany(model, missing.map(values), { context: LINE_CREATE_CONTEXT });
  missing.forEach((w, i) => (w.lineId = created[i]));
}

/**
 * Adding lines to a large confirmed order is slow in Odoo because sale_order_line.py `create` posts an
 * "Extra line with …" chatter message per new line, each recomputing the whole order (issue 14: 14.5 s
 * per 35-line batch on a 500-line order). `sale_no_log_for_new_lines` is the key that create honours
 * to skip those posts; Plumbline's own approval note per CO still lands on the order's chatter. With
 * it, one batched create recomputes the order once. (purchase_order_line.py has no such key.)
 */
export const LINE_CREATE_CONTEXT = { sale_no_log_for_new_lines: true };

function orderOf(value: [number, string] | number | false): number | undefined {
  if (Array.isArray(value)) return value[0];
  return typeof value === 'number' ? value : undefined;
}

/**
 * The marker that identifies a CO's approval note in Odoo's chatter: the reference plus a tag only
 * the server can compute (HMAC of the CO's id under AUTH_SECRET). A note is adopted only if it carries
 * the tag, so text a reviewer typed into a comment (which used to contain "Plumbline approval of
 * CO-…" and was adopted in place of the real trail) can never stand in for it. The tag first appears
 * in Odoo inside the real note.
 */
export function markerOf(coId: string, reference: string): string {
  const tag = createHmac('sha256', env().AUTH_SECRET)
    .update(`change-order-approval-note:${coId}`)
    .digest('hex')
    .slice(0, 24);
  return `Plumbline approval of ${reference} #${tag}`;
}

/** The approval trail as one escaped paragraph: decision comments are user text, never HTML. */
export function approvalNoteBody(marker: string, trail: string[], correlationId: string | null): string {
  // the approval's correlation id: the same id is on its audit row, sync attempts, log lines and requests
  const trace = correlationId ? ` Correlation id ${correlationId}.` : '';
  return `<p>${escapeHtml(`${marker}. ${trail.join('; ')}.${trace}`)}</p>`;
}

/** One decision of the trail, as the note lists it. */
export function approvalTrailLine(d: {
  step: string;
  decision: string;
  name: string;
  at: Date;
  comment: string | null;
  /** The organisation's zone: the decision's day as the organisation's calendar has it. */
  timeZone?: string;
}): string {
  return `${d.step}: ${d.decision} by ${d.name} on ${dateIn(d.timeZone ?? 'UTC', d.at)}${d.comment ? ` (“${d.comment}”)` : ''}`;
}

/** Our note among chatter messages: on the order, and carrying the marker with its server tag. */
export function isOurNote(
  row: { model: string; res_id: number; body: string | false },
  model: string,
  orderId: number,
  marker: string,
): boolean {
  return (
    row.model === model &&
    row.res_id === orderId &&
    typeof row.body === 'string' &&
    row.body.includes(`${escapeHtml(marker)}.`)
  );
}

/** One approval note, created as message_post would write an internal note (no HTML from users). */
export async function approvalNoteValues(odoo: OdooClient, model: string, orderId: number, body: string) {
  const subtypeId = await noteSubtype(odoo);
  return {
    model,
    res_id: orderId,
    body,
    message_type: 'comment',
    ...(subtypeId ? { subtype_id: subtypeId } : {}),
  };
}

/** The approval trail of each CO on its order's chatter, once: found by its marker, else created. */
async function findOrPostTrails(db: DbOrTx, odoo: OdooClient, group: Work[]): Promise<void> {
  if (group.length === 0) return;
  const terms = group.map((w) => [
    '&',
    '&',
    ['model', '=', w.orderModel],
    ['res_id', '=', w.orderId],
    ['body', 'ilike', markerOf(w.co.id, w.co.reference)],
  ]);
  const found = await odoo.searchRead<{ id: number; model: string; res_id: number; body: string | false }>(
    'mail.message',
    anyOf(terms),
    ['model', 'res_id', 'body'],
    { order: 'id' },
  );
  for (const w of group) {
    const note = found.find((row) =>
      isOurNote(row, w.orderModel, w.orderId, markerOf(w.co.id, w.co.reference)),
    );
    if (note) w.noteId = note.id;
  }
  const missing = group.filter((w) => w.noteId === undefined);
  if (missing.length === 0) return;
  const decisions = await db
    .select({
      recordId: approvalDecisions.recordId,
      step: approvalDecisions.stepName,
      decision: approvalDecisions.decision,
      name: users.name,
      at: approvalDecisions.decidedAt,
      comment: approvalDecisions.comment,
      timeZone: organisations.timeZone,
    })
    .from(approvalDecisions)
    .innerJoin(users, eq(users.id, approvalDecisions.decidedById))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(
      and(
        eq(approvalDecisions.recordType, RECORD_TYPE),
        inArray(
          approvalDecisions.recordId,
          missing.map((w) => w.co.id),
        ),
      ),
    )
    .orderBy(asc(approvalDecisions.step));
  const created = await odoo.createMany(
    'mail.message',
    await Promise.all(
      missing.map((w) => {
        const trail = decisions.filter((d) => d.recordId === w.co.id).map(approvalTrailLine);
        // the note message_post would write (internal note, plain text escaped into one paragraph)
        return approvalNoteValues(
          odoo,
          w.orderModel,
          w.orderId,
          approvalNoteBody(markerOf(w.co.id, w.co.reference), trail, w.correlationId ?? null),
        );
      }),
    ),
  );
  missing.forEach((w, i) => (w.noteId = created[i]));
}

const subtypes = new WeakMap<OdooClient, Promise<number | undefined>>();

/**
 * mail.mt_note's id, once per client: message_post would set it; we create the note directly. Looked
 * up by its XML id in ir.model.data (readable by internal users; `_xmlid_to_res_id` is private over
 * RPC), never by its display name, which Odoo translates ("Note", "Notiz", …).
 */
export function noteSubtype(odoo: OdooClient): Promise<number | undefined> {
  let found = subtypes.get(odoo);
  if (!found) {
    found = odoo
      .searchRead<{ id: number; res_id: number }>(
        'ir.model.data',
        [
          ['module', '=', 'mail'],
          ['name', '=', 'mt_note'],
          ['model', '=', 'mail.message.subtype'],
        ],
        ['res_id'],
        { limit: 1 },
      )
      .then((rows) => rows[0]?.res_id || undefined);
    found.catch(() => subtypes.delete(odoo));
    subtypes.set(odoo, found);
  }
  return found;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The product change-order lines are booked on: the admin's mapping, else the sync is blocked (odoo-setup.ts). */
export async function changeOrderProduct(db: DbOrTx, odoo: OdooClient): Promise<number> {
  return requireMapping(db, odoo, 'changeOrderProductId');
}

export function missingMapping(message: string) {
  return new OdooBusinessError({ odooName: 'plumbline.MissingMapping', message });
}
