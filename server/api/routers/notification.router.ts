import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { notificationStatuses } from '@/db/schema';
import {
  resendNotificationInput,
  updateNotificationSettingsInput,
} from '@/server/modules/notifications/notification.schemas';
import {
  getMyNotificationSettings,
  listNotificationsForAdmin,
} from '@/server/modules/notifications/notification.queries';
import {
  resendNotification,
  updateNotificationSettings,
} from '@/server/modules/notifications/notification.service';

/** Email notifications (issue 19): one's own preferences; the organisation's mail for an administrator. */
export const notificationRouter = createTRPCRouter({
  mySettings: procedure('notification.self').query(({ ctx }) => getMyNotificationSettings(ctx.db, ctx.actor)),
  updateMySettings: procedure('notification.self')
    .input(updateNotificationSettingsInput)
    .mutation(({ ctx, input }) => updateNotificationSettings(ctx.db, input, ctx.actor)),
  list: procedure('mail.outbox.read')
    .input(z.object({ status: z.enum(notificationStatuses).nullish() }).strict())
    .query(({ ctx, input }) => listNotificationsForAdmin(ctx.db, ctx.actor, input)),
  resend: procedure('mail.resend')
    .input(resendNotificationInput)
    .mutation(({ ctx, input }) => resendNotification(ctx.db, input, ctx.actor)),
});
