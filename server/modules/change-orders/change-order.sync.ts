import { eq } from 'drizzle-orm';
import { changeOrders } from '@/db/schema';
import type { SyncHandler } from '@/server/sync/registry';
import { syncChangeOrderBatch } from './change-order.sync-batch';

const RECORD_TYPE = 'change_order';

/**
 * Level-triggered: whatever request arrives, read the CO now and make Odoo match it. An approved
 * client CO has one sale.order line named "[CO-0001] <title>" at the sell amount; an approved
 * commitment CO has one purchase.order line at the cost amount; each order's chatter carries the
 * approval trail once. Existing lines are found by that name prefix and adopted, never duplicated.
 * One CO or many go through the same code (change-order.sync-batch.ts), so a CO synced alone and one
 * synced in a batch get the same line and the same chatter note.
 */
export const changeOrderSyncHandler: SyncHandler = {
  recordType: RECORD_TYPE,

  syncBatch: syncChangeOrderBatch,
  // Odoo is asked once per step for the whole batch (bulk approvals, a backlog after Odoo was down)
  batched: true,

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
