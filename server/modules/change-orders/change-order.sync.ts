import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import {
  approvalDecisions,
  changeOrders,
  costCodes,
  projects,
  sovLines,
  subcontracts,
  users,
} from '@/db/schema';
import { analyticDistribution } from '@/server/odoo/field-names';
import type { OdooClient } from '@/server/odoo/client';
import { registerSyncHandler, type SyncHandler } from '@/server/sync/registry';
import {
  approvalNoteBody,
  approvalTrailLine,
  approvalNoteValues,
  changeOrderProduct,
  isOurNote,
  LINE_CREATE_CONTEXT,
  markerOf,
  missingMapping,
  syncChangeOrderBatch,
} from './change-order.sync-batch';

const RECORD_TYPE = 'change_order';

/**
 * Level-triggered: whatever request arrives, read the CO now and make Odoo match it. An approved
 * client CO has one sale.order line named "[CO-0001] <title>" at the sell amount; an approved
 * commitment CO has one purchase.order line at the cost amount; each order's chatter carries the
 * approval trail once. Existing lines are found by that name prefix and adopted, never duplicated.
 */
export const changeOrderSyncHandler: SyncHandler = {
  recordType: RECORD_TYPE,

  async sync({ db, odoo, recordId, correlationId }) {
    const co = await loadForSync(db, recordId);
    if (co.status !== 'approved' || co.kind === 'internal')
      return { operation: 'no change (not an approved client or commitment CO)' };
    const label = `[${co.reference}] ${co.title}`;
    const productId = await changeOrderProduct(db, odoo);
    if (co.kind === 'client') {
      if (!co.saleOrderId)
        throw missingMapping(
          `Project ${co.projectCode} has no Odoo sale order linked. Run a master-data pull, or link the contract in Odoo.`,
        );
      const fields = await odoo.fieldNames();
      const lineId = await findOrCreateLine(odoo, 'sale.order.line', co.saleOrderId, co.reference, {
        order_id: co.saleOrderId,
        name: label,
        product_id: productId,
        product_uom_qty: 1,
        price_unit: Number(co.sellTotalAmount ?? '0'),
        [fields.saleLineTaxes]: [[6, 0, []]],
      });
      const noteId = await postApprovalTrail(
        db,
        odoo,
        recordId,
        'sale.order',
        co.saleOrderId,
        co.reference,
        correlationId,
      );
      return {
        operation: 'sale order line',
        odooModel: 'sale.order.line',
        odooId: lineId,
        links: [
          {
            purpose: 'sale_order_line',
            odooModel: 'sale.order.line',
            odooId: lineId,
            reference: co.reference,
          },
          { purpose: 'chatter_note', odooModel: 'mail.message', odooId: noteId, reference: co.reference },
        ],
      };
    }
    if (!co.purchaseOrderId)
      throw missingMapping(`Subcontract ${co.subcontractReference ?? ''} has no Odoo purchase order linked.`);
    const fields = await odoo.fieldNames();
    const version = (await odoo.version()).major;
    const distribution = co.projectAnalyticAccountId
      ? analyticDistribution(version, co.projectAnalyticAccountId, co.costCodeAnalyticAccountId ?? undefined)
      : undefined;
    const lineId = await findOrCreateLine(odoo, 'purchase.order.line', co.purchaseOrderId, co.reference, {
      order_id: co.purchaseOrderId,
      name: label,
      product_id: productId,
      product_qty: 1,
      price_unit: Number(co.costTotalAmount),
      [fields.purchaseLineTaxes]: [[6, 0, []]],
      ...(distribution ? { analytic_distribution: distribution } : {}),
    });
    // the SOV line this CO added learns its Odoo line, so claims against it bill the right PO line
    await db
      .update(sovLines)
      .set({ odooPurchaseLineId: lineId, updatedAt: new Date() })
      .where(eq(sovLines.changeOrderId, recordId));
    const noteId = await postApprovalTrail(
      db,
      odoo,
      recordId,
      'purchase.order',
      co.purchaseOrderId,
      co.reference,
      correlationId,
    );
    return {
      operation: 'purchase order line',
      odooModel: 'purchase.order.line',
      odooId: lineId,
      links: [
        {
          purpose: 'purchase_order_line',
          odooModel: 'purchase.order.line',
          odooId: lineId,
          reference: co.reference,
        },
        { purpose: 'chatter_note', odooModel: 'mail.message', odooId: noteId, reference: co.reference },
      ],
    };
  },

  // many approved COs at once (bulk approvals, a backlog after Odoo was down): change-order.sync-batch.ts
  syncBatch: syncChangeOrderBatch,

  async setSyncStatus(db, recordId, status) {
    await db.update(changeOrders).set({ syncStatus: status }).where(eq(changeOrders.id, recordId));
  },

  async describe(db, recordId) {
    const [row] = await db
      .select({
        reference: changeOrders.reference,
        projectId: changeOrders.projectId,
        amount: changeOrders.costTotalAmount,
        sell: changeOrders.sellTotalAmount,
        kind: changeOrders.kind,
        syncStatus: changeOrders.syncStatus,
      })
      .from(changeOrders)
      .where(eq(changeOrders.id, recordId));
    if (!row) return null;
    return {
      reference: row.reference,
      projectId: row.projectId,
      amountAtStake: row.kind === 'client' ? row.sell : row.amount,
      syncStatus: row.syncStatus,
    };
  },
};

async function loadForSync(db: DbOrTx, recordId: string) {
  const [row] = await db
    .select({
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
    })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .leftJoin(subcontracts, eq(subcontracts.id, changeOrders.subcontractId))
    .where(eq(changeOrders.id, recordId));
  if (!row) throw missingMapping('The change order no longer exists in Plumbline.');
  const [firstCode] = await db
    .select({ accountId: costCodes.odooAnalyticAccountId })
    .from(sovLines)
    .innerJoin(costCodes, eq(costCodes.id, sovLines.costCodeId))
    .where(eq(sovLines.changeOrderId, recordId));
  return { ...row, costCodeAnalyticAccountId: firstCode?.accountId ?? null };
}

/** Search by the deterministic "[CO-0001]" prefix on that order before creating: adopt, never double. */
async function findOrCreateLine(
  odoo: OdooClient,
  model: string,
  orderId: number,
  reference: string,
  values: Record<string, unknown>,
): Promise<number> {
  const existing = await odoo.search(model, [
    ['order_id', '=', orderId],
    ['name', '=like', `[${reference}]%`],
  ]);
  if (existing[0] !== undefined) return existing[0];
  return odoo.create(model, values, { context: LINE_CREATE_CONTEXT });
}

/**
 * The approval trail on the order's chatter, once: a note already there is adopted only if it
 * carries the server-tagged marker (change-order.sync-batch.ts `markerOf`); user text is escaped.
 */
async function postApprovalTrail(
  db: Db,
  odoo: OdooClient,
  recordId: string,
  model: string,
  orderId: number,
  reference: string,
  correlationId: string | null,
): Promise<number> {
  const marker = markerOf(recordId, reference);
  // a note posted before a crash (between Odoo's answer and our commit) is found and adopted
  const candidates = await odoo.searchRead<{
    id: number;
    model: string;
    res_id: number;
    body: string | false;
  }>(
    'mail.message',
    [
      ['model', '=', model],
      ['res_id', '=', orderId],
      ['body', 'ilike', marker],
    ],
    ['model', 'res_id', 'body'],
    { order: 'id' },
  );
  const existing = candidates.find((row) => isOurNote(row, model, orderId, marker));
  if (existing) return existing.id;
  const decisions = await db
    .select({
      step: approvalDecisions.stepName,
      decision: approvalDecisions.decision,
      name: users.name,
      at: approvalDecisions.decidedAt,
      comment: approvalDecisions.comment,
    })
    .from(approvalDecisions)
    .innerJoin(users, eq(users.id, approvalDecisions.decidedById))
    .where(and(eq(approvalDecisions.recordType, RECORD_TYPE), eq(approvalDecisions.recordId, recordId)))
    .orderBy(asc(approvalDecisions.step));
  const trail = decisions.map(approvalTrailLine);
  return odoo.create(
    'mail.message',
    await approvalNoteValues(odoo, model, orderId, approvalNoteBody(marker, trail, correlationId)),
  );
}

registerSyncHandler(changeOrderSyncHandler);
