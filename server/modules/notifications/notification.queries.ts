import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { notifications, users, type NotificationStatus } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { routeDefinitions } from '@/server/modules/approvals/approvals';
import { getNotificationSettings } from './notification.service';
import {
  notificationKinds,
  type NotificationAdminRow,
  type NotificationKind,
  type NotificationSettingsView,
} from './notification.schemas';

/** One's own preferences, and whether the digest option applies (the role takes approval steps). */
export async function getMyNotificationSettings(db: DbOrTx, actor: Actor): Promise<NotificationSettingsView> {
  const settings = await getNotificationSettings(db, actor);
  const isApprover = Object.values(routeDefinitions).some((definition) =>
    definition.steps.some((step) => step.roles.includes(actor.role)),
  );
  return {
    ...settings,
    offKinds: settings.offKinds.filter((kind): kind is NotificationKind =>
      (notificationKinds as readonly string[]).includes(kind),
    ),
    isApprover,
  };
}

/**
 * Admin → Sent mail: the organisation's notifications, newest first, optionally of one status, with
 * the count per status (failed and uncertain ones can be resent there).
 */
export async function listNotificationsForAdmin(
  db: DbOrTx,
  actor: Actor,
  input: { status?: NotificationStatus | null },
): Promise<{ rows: NotificationAdminRow[]; counts: Partial<Record<NotificationStatus, number>> }> {
  const rows = await db
    .select({
      id: notifications.id,
      recipient: users.email,
      kind: notifications.kind,
      subject: notifications.subject,
      status: notifications.status,
      attempts: notifications.attempts,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
      lastError: notifications.lastError,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.recipientId))
    .where(
      and(
        eq(notifications.organisationId, actor.organisationId),
        input.status ? eq(notifications.status, input.status) : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(200);
  const counted = await db
    .select({ status: notifications.status, n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(eq(notifications.organisationId, actor.organisationId))
    .groupBy(notifications.status);
  return { rows, counts: Object.fromEntries(counted.map((c) => [c.status, c.n])) };
}
