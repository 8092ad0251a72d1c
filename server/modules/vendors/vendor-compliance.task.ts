import { z } from 'zod';
import { getDb } from '@/db/client';
import { logger } from '@/server/lib/logger';
import { requestSync } from '@/server/sync/enqueue';
import { cronPayload, defineTask } from '@/server/sync/task';
import { vendorsWithStaleComplianceTag } from './vendor-compliance.sync';

export const VENDOR_COMPLIANCE_TASK = 'vendor_compliance_evaluate';

/**
 * Evaluates every vendor's compliance on its organisation's today (org_today(): a certificate that
 * expired yesterday, local time, makes the vendor expired at local midnight) and asks for a sync of
 * each vendor whose Odoo tag disagrees. Hourly, so each organisation's midnight is caught within the
 * hour whatever its zone; idempotent (a vendor already in agreement, or already waiting for its sync, is
 * not asked for again). Date changes ask for their own sync when confirmed (pending-change.service.ts).
 */
export const vendorComplianceTask = defineTask({
  name: VENDOR_COMPLIANCE_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle() {
    const db = getDb();
    const ids = await vendorsWithStaleComplianceTag(db);
    if (ids.length === 0) return;
    await db.transaction(async (tx) => {
      for (const id of ids) await requestSync(tx, { recordType: 'vendor', recordId: id });
    });
    logger().info({ vendors: ids.length }, 'vendor compliance tags to sync');
  },
  schedule: () => ({ cron: '5 * * * *', max: 3, jobKey: VENDOR_COMPLIANCE_TASK }),
});
