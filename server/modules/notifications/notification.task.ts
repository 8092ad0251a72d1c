import { z } from 'zod';
import { getDb } from '@/db/client';
import { logger } from '@/server/lib/logger';
import { cronPayload, defineTask } from '@/server/sync/task';
import { runDailyNotifications } from './notification-daily';
import {
  giveUpQueued,
  NotificationRetryError,
  sendNotification,
  sweepUncertainSends,
} from './notification-send';
import { NOTIFICATION_SEND_TASK } from './notification.service';

/**
 * Sends one queued notification (notification-send.ts). Added by queueNotification in the event's
 * transaction. A NotificationRetryError (SMTP down or refusing for now, nothing handed over) is a
 * crash to the task base, so graphile retries it with its backoff; anything after the claim never
 * sends again by itself.
 */
export const notificationSendTask = defineTask({
  name: NOTIFICATION_SEND_TASK,
  schema: z.object({ notificationId: z.guid() }),
  async handle(payload, helpers) {
    const db = getDb();
    try {
      const outcome = await sendNotification(db, payload.notificationId);
      if (outcome === 'failed' || outcome === 'uncertain')
        logger().warn(
          { component: 'notifications', notificationId: payload.notificationId, outcome },
          'notification not sent',
        );
    } catch (error) {
      // graphile's last attempt: nothing was handed over, so the row may be resent by an administrator
      if (error instanceof NotificationRetryError && helpers.job.attempts >= helpers.job.max_attempts) {
        await giveUpQueued(db, payload.notificationId, error.message);
        logger().error(
          { component: 'notifications', notificationId: payload.notificationId },
          'notification failed after its last attempt',
        );
        return;
      }
      throw error;
    }
  },
});

export const NOTIFICATIONS_TICK_TASK = 'notifications_tick';

/**
 * Every five minutes: interrupted sends become `uncertain` (for an administrator to resend), and
 * from NOTIFY_DAILY_HOUR local time each organisation's daily digest and expiry notices are queued
 * (once a day: their dedupe keys carry the date).
 */
export const notificationsTickTask = defineTask({
  name: NOTIFICATIONS_TICK_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle(input) {
    const db = getDb();
    const uncertain = await sweepUncertainSends(db);
    if (uncertain.length > 0)
      logger().warn(
        { component: 'notifications', count: uncertain.length },
        'interrupted sends marked uncertain',
      );
    const at = input._cron?.ts ? new Date(input._cron.ts) : new Date();
    for (const result of await runDailyNotifications(db, at))
      if (result.digests + result.expiring > 0)
        logger().info({ component: 'notifications', ...result }, 'daily notifications');
  },
  schedule: () => ({ cron: '*/5 * * * *', jobKey: NOTIFICATIONS_TICK_TASK, max: 1, fill: '1h' }),
});
