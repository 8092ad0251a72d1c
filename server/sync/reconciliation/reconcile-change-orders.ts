import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { changeOrders, projects, subcontracts, syncLinks } from '@/db/schema';
import { logger } from '@/server/lib/logger';
import { formatMoney } from '@/server/lib/money';
import type { OdooClient } from '@/server/odoo/client';
import { findDrift, type DriftKind, type OdooDocSnapshot } from '@/server/modules/exceptions/drift.calc';
import { settleDrift } from '@/server/modules/exceptions/drift.service';
import { emptyTypeCounts, type TypeCounts } from './reconciliation.counts';
import { tally } from './reconcile-moves';

const LINE_FIELDS = ['name', 'order_id', 'price_subtotal', 'state'];
type LineRow = {
  id: number;
  name: string;
  order_id: [number, string] | false;
  price_subtotal: number;
  state: string | false;
};
type Line = OdooDocSnapshot & { orderId: number | null };
/** An order line has no state of its own worth comparing; a cancelled order is "cancelled". */
const EVALUATED: readonly DriftKind[] = ['missing', 'duplicated', 'amount_changed', 'cancelled'];

/**
 * Every synced approved client / commitment CO ↔ its order line through sync_links: still there, one
 * line per `[CO-0001]` prefix on the order, at the approved sell (client) or cost (commitment) amount.
 */
export async function reconcileChangeOrderLines(
  db: Db,
  odoo: OdooClient,
  organisation: SQL | undefined,
): Promise<TypeCounts> {
  const rows = await db
    .select({
      id: changeOrders.id,
      kind: changeOrders.kind,
      reference: changeOrders.reference,
      projectId: changeOrders.projectId,
      cost: changeOrders.costTotalAmount,
      sell: changeOrders.sellTotalAmount,
      saleOrderId: projects.odooSaleOrderId,
      purchaseOrderId: subcontracts.odooPurchaseOrderId,
      linkModel: syncLinks.odooModel,
      linkId: syncLinks.odooId,
    })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .leftJoin(subcontracts, eq(subcontracts.id, changeOrders.subcontractId))
    .innerJoin(
      syncLinks,
      and(
        eq(syncLinks.recordType, 'change_order'),
        eq(syncLinks.recordId, changeOrders.id),
        or(eq(syncLinks.purpose, 'sale_order_line'), eq(syncLinks.purpose, 'purchase_order_line')),
      ),
    )
    .where(
      and(
        organisation,
        eq(changeOrders.status, 'approved'),
        inArray(changeOrders.kind, ['client', 'commitment']),
        eq(changeOrders.syncStatus, 'synced'),
      ),
    );
  const counts = emptyTypeCounts();
  const lines = new Map<string, Line[]>();
  for (const model of ['sale.order.line', 'purchase.order.line']) {
    const ofModel = rows.filter((r) => r.linkModel === model);
    if (ofModel.length === 0) continue;
    try {
      lines.set(
        model,
        await readLines(
          odoo,
          model,
          ofModel.map((r) => r.linkId),
          ofModel.map((r) => (model === 'sale.order.line' ? r.saleOrderId : r.purchaseOrderId)),
        ),
      );
    } catch (error) {
      logger().warn({ err: error, model }, 'reconciliation could not read Odoo order lines');
    }
  }
  for (const row of rows) {
    counts.checked += 1;
    const ofModel = lines.get(row.linkModel);
    if (!ofModel) {
      counts.failed += 1;
      continue;
    }
    try {
      const orderId = row.kind === 'client' ? row.saleOrderId : row.purchaseOrderId;
      const documents = ofModel.filter(
        (line) =>
          line.id === row.linkId || (line.orderId === orderId && line.name?.startsWith(`[${row.reference}]`)),
      );
      const amount = row.kind === 'client' ? (row.sell ?? '0') : row.cost;
      const { findings } = findDrift(
        { linkedId: row.linkId, partnerId: null, amount, expectedState: null },
        documents,
      );
      await db.transaction((tx) =>
        settleDrift(
          tx,
          {
            recordType: 'change_order',
            recordId: row.id,
            reference: row.reference,
            projectId: row.projectId,
            amountAtStake: amount,
            document: 'order line',
          },
          findings,
          EVALUATED,
        ),
      );
      tally(
        counts,
        findings.map((f) => f.kind),
      );
    } catch (error) {
      logger().warn({ err: error, recordId: row.id }, 'reconciliation of a change order failed');
      counts.failed += 1;
    }
  }
  return counts;
}

async function readLines(
  odoo: OdooClient,
  model: string,
  linkedIds: number[],
  orderIds: (number | null)[],
): Promise<Line[]> {
  const orders = [...new Set(orderIds.filter((id): id is number => id !== null))];
  const found = await odoo.searchRead<LineRow>(
    model,
    ['|', ['id', 'in', linkedIds], '&', ['order_id', 'in', orders], ['name', '=like', '[CO-%']],
    LINE_FIELDS,
  );
  return found.map((line) => ({
    id: line.id,
    name: line.name,
    orderId: Array.isArray(line.order_id) ? line.order_id[0] : null,
    partnerId: null,
    state: line.state === 'cancel' ? 'cancel' : 'open',
    amountTotal: formatMoney(String(line.price_subtotal)),
  }));
}
