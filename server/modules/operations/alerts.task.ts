import type { Task, TaskList } from 'graphile-worker';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { evaluateAlerts } from './alerts.service';

export const ALERTS_TASK = 'alerts_evaluate';

const alertsTask: Task = async () => {
  const events = await evaluateAlerts(getDb());
  for (const e of events)
    logger().warn(
      {
        component: 'alerts',
        kind: e.kind,
        rule: e.alert.rule,
        subject: e.alert.subject,
        alertId: e.alert.id,
      },
      e.alert.title,
    );
};

/** Registered by the worker (server/sync/worker.ts) next to the other cron tasks. */
export const alertsTaskList: TaskList = { [ALERTS_TASK]: alertsTask };

/** ALERTS_CRON (every minute by default); one pending evaluation at a time. */
export function alertsCrontab(config = env()): string {
  return `${config.ALERTS_CRON} ${ALERTS_TASK} ?jobKey=${ALERTS_TASK}&max=1\n`;
}
