import { z } from 'zod';
import { getDb } from '@/db/client';
import { organisations } from '@/db/schema';
import { logger } from '@/server/lib/logger';
import { dateIn } from '@/server/lib/org-time';
import { cronPayload, defineTask } from '@/server/sync/task';
import { closedMonthEnd, takeMonthEndSnapshots } from './cost-snapshot.service';

export const MONTH_END_SNAPSHOT_TASK = 'cost_month_end_snapshot';

/** A month closes at midnight on the 1st in the organisation's time zone; it is filed within two days. */
const FILING_DAYS = 2;

/**
 * Snapshots the month just closed, by each organisation's own calendar (Admin → Organisation
 * settings). The day comes from the scheduled time graphile-worker passes (`_cron.ts`), not from the
 * clock, so a run backfilled late (the worker was down) still files the right month; projects that
 * already have the period's snapshot are skipped, so the hourly runs of the filing days are idempotent.
 * Hourly on the 1st and 2nd (UTC), which covers local midnight on the 1st in every zone from UTC−12 to
 * UTC+14; `fill=7d` catches up runs missed while the worker was down.
 */
export const monthEndSnapshotTask = defineTask({
  name: MONTH_END_SNAPSHOT_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle(input) {
    const scheduled = input._cron?.ts;
    const at = scheduled ? new Date(scheduled) : new Date();
    const db = getDb();
    for (const organisation of await db
      .select({ id: organisations.id, timeZone: organisations.timeZone })
      .from(organisations)) {
      const today = dateIn(organisation.timeZone, at);
      if (Number(today.slice(8, 10)) > FILING_DAYS) continue;
      const period = closedMonthEnd(today);
      const result = await takeMonthEndSnapshots(db, period, organisation.id);
      if (result.taken > 0)
        logger().info({ period, organisationId: organisation.id, ...result }, 'month-end cost snapshots');
    }
  },
  schedule: () => ({ cron: '15 * 1,2 * *', fill: '7d', max: 3, jobKey: MONTH_END_SNAPSHOT_TASK }),
});
