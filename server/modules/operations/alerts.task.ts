import { z } from 'zod';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { cronPayload, defineTask } from '@/server/sync/task';
import { evaluateAlerts } from './alerts.service';

export const ALERTS_TASK = 'alerts_evaluate';

/** ALERTS_CRON (every minute by default); one pending evaluation at a time. */
export const alertsTask = defineTask({
  name: ALERTS_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle() {
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
  },
  schedule: () => ({ cron: env().ALERTS_CRON, jobKey: ALERTS_TASK, max: 1 }),
});
