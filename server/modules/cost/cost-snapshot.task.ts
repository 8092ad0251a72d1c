import type { Task, TaskList } from 'graphile-worker';
import { getDb } from '@/db/client';
import { logger } from '@/server/lib/logger';
import { closedMonthEnd, takeMonthEndSnapshots } from './cost-snapshot.service';

export const MONTH_END_SNAPSHOT_TASK = 'cost_month_end_snapshot';

type CronPayload = { _cron?: { ts?: string } };

/**
 * The month closes at midnight UTC on the 1st; the task snapshots the month just closed. The period
 * comes from the scheduled time graphile-worker passes (`_cron.ts`), not from the clock, so a run
 * backfilled late (the worker was down) still files the right month.
 */
const monthEndSnapshotTask: Task = async (payload) => {
  const scheduled = (payload as CronPayload | null)?._cron?.ts;
  const period = closedMonthEnd(scheduled ? new Date(scheduled) : new Date());
  const result = await takeMonthEndSnapshots(getDb(), period);
  logger().info({ period, ...result }, 'month-end cost snapshots');
};

/** Register with graphile-worker next to the other tasks (server/sync/worker.ts). */
export const costSnapshotTaskList: TaskList = { [MONTH_END_SNAPSHOT_TASK]: monthEndSnapshotTask };

/** 00:15 UTC on the 1st of each month; `fill=7d` catches up a run missed while the worker was down. */
export function costSnapshotCrontab(): string {
  return `15 0 1 * * ${MONTH_END_SNAPSHOT_TASK} ?fill=7d&max=3&jobKey=${MONTH_END_SNAPSHOT_TASK}\n`;
}
