import { z } from 'zod';
import { getDb } from '@/db/client';
import { logger } from '@/server/lib/logger';
import { cronPayload, defineTask } from '@/server/sync/task';
import { closedMonthEnd, takeMonthEndSnapshots } from './cost-snapshot.service';

export const MONTH_END_SNAPSHOT_TASK = 'cost_month_end_snapshot';

/**
 * The month closes at midnight UTC on the 1st; the task snapshots the month just closed. The period
 * comes from the scheduled time graphile-worker passes (`_cron.ts`), not from the clock, so a run
 * backfilled late (the worker was down) still files the right month.
 * 00:15 UTC on the 1st of each month; `fill=7d` catches up a run missed while the worker was down.
 */
export const monthEndSnapshotTask = defineTask({
  name: MONTH_END_SNAPSHOT_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle(input) {
    const scheduled = input._cron?.ts;
    const period = closedMonthEnd(scheduled ? new Date(scheduled) : new Date());
    const result = await takeMonthEndSnapshots(getDb(), period);
    logger().info({ period, ...result }, 'month-end cost snapshots');
  },
  schedule: () => ({ cron: '15 0 1 * *', fill: '7d', max: 3, jobKey: MONTH_END_SNAPSHOT_TASK }),
});
