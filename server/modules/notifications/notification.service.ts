import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { notifications, notificationSettings, type NotificationStatus } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import type { RenderedMail } from './notification-templates';
import {
  notificationKindDefinitions,
  type NotificationKind,
  type UpdateNotificationSettingsInput,
} from './notification.schemas';
import type { Recipient } from './recipients';

/** The graphile-worker task that sends one queued notification (notification.task.ts). */
export const NOTIFICATION_SEND_TASK = 'notification_send';

/**
 * The kinds a subcontractor's contact may receive (their own claims, their own certificates, their
 * account). Anything else addressed to one is a programming error and is refused loudly: internal
 * mail carries figures they may not see.
 */
const VENDOR_KINDS: ReadonlySet<NotificationKind> = new Set([
  'claim_certified',
  'claim_rejected',
  'claim_paid',
  'compliance_expiring',
  'account',
]);

export type QueueNotificationInput = {
  event: NotificationKind;
  organisationId: string;
  /** The record the event happened to (shown on Admin → Sent mail; part of the dedupe key). */
  recordType?: string | null;
  recordId?: string | null;
  /**
   * What makes this occurrence of the event distinct on the same record, when one record can have
   * the event more than once (an approval cycle and step, an expiry date). The dedupe key is
   * `event:recordType:recordId[:occurrence]`, unique per recipient.
   */
  occurrence?: string | null;
  recipients: readonly Recipient[];
  /** The message for one recipient (templates in notification-templates.ts). */
  render: (recipient: Recipient) => RenderedMail;
};

export type QueueResult = { queued: string[]; skipped: string[]; held: string[]; duplicates: number };

export function dedupeKeyOf(
  input: Pick<QueueNotificationInput, 'event' | 'recordType' | 'recordId' | 'occurrence'>,
) {
  return [
    input.event,
    input.recordType ?? '-',
    input.recordId ?? '-',
    ...(input.occurrence ? [input.occurrence] : []),
  ].join(':');
}

type Settings = { allOff: boolean; offKinds: string[]; approvalDigest: boolean };

async function settingsOf(db: DbOrTx, userIds: string[]): Promise<Map<string, Settings>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(notificationSettings)
    .where(inArray(notificationSettings.userId, userIds));
  return new Map(rows.map((row) => [row.userId, row]));
}

/** Queued, skipped (turned off) or held for the digest — from the recipient's own preferences. */
export function initialStatus(kind: NotificationKind, settings: Settings | undefined): NotificationStatus {
  if (notificationKindDefinitions[kind].essential || !settings) return 'queued';
  // the digest follows "approval waiting": off turns it off, never the other way round
  const governing = kind === 'approval_digest' ? 'approval_waiting' : kind;
  if (settings.allOff || settings.offKinds.includes(governing)) return 'skipped';
  if (kind === 'approval_waiting' && settings.approvalDigest) return 'held';
  return 'queued';
}

/**
 * Queues one notification per recipient for an event. Call it INSIDE the transaction of the event
 * (the claim's submission, the approval decision…): the rows and their send jobs become visible when
 * that transaction commits and vanish with it on rollback. The same event for the same person never
 * makes a second row (unique recipient + dedupe key; ON CONFLICT DO NOTHING), so an event replayed —
 * a sync effect applied twice, a daily task run twice — sends nothing more.
 */
export async function queueNotification(tx: DbOrTx, input: QueueNotificationInput): Promise<QueueResult> {
  const definition = notificationKindDefinitions[input.event];
  const result: QueueResult = { queued: [], skipped: [], held: [], duplicates: 0 };
  const unique = [...new Map(input.recipients.map((r) => [r.id, r])).values()];
  for (const recipient of unique) {
    if (recipient.role === 'subcontractor' && !VENDOR_KINDS.has(input.event))
      throw new Error(`A ${input.event} notification may not go to a subcontractor's contact.`);
  }
  const settings = await settingsOf(
    tx,
    unique.map((r) => r.id),
  );
  const dedupeKey = dedupeKeyOf(input);
  for (const recipient of unique) {
    const mail = input.render(recipient);
    const status = initialStatus(input.event, settings.get(recipient.id));
    const [row] = await tx
      .insert(notifications)
      .values({
        organisationId: input.organisationId,
        recipientId: recipient.id,
        kind: input.event,
        dedupeKey,
        recordType: input.recordType ?? null,
        recordId: input.recordId ?? null,
        subject: mail.subject.slice(0, 300),
        bodyText: mail.text,
        essential: definition.essential,
        status,
      })
      .onConflictDoNothing({ target: [notifications.recipientId, notifications.dedupeKey] })
      .returning({ id: notifications.id });
    if (!row) {
      result.duplicates += 1;
      continue;
    }
    if (status === 'queued') {
      await addSendJob(tx, row.id, 'q');
      result.queued.push(row.id);
    } else if (status === 'held') result.held.push(row.id);
    else result.skipped.push(row.id);
  }
  return result;
}

/**
 * The send job, through graphile's public add_job in the caller's transaction. One job key per
 * notification and send round (`round`: 'q' when queued, the attempt count on a resend).
 */
export async function addSendJob(tx: DbOrTx, notificationId: string, round: string): Promise<void> {
  const result = await tx.execute<{ id: string | null }>(sql`
    SELECT (graphile_worker.add_job(
      identifier => ${NOTIFICATION_SEND_TASK},
      payload => ${JSON.stringify({ notificationId })}::json,
      max_attempts => 12,
      job_key => ${`notification:${notificationId}:${round}`},
      job_key_mode => 'preserve_run_at'
    )).id::text AS id`);
  if (!result.rows[0]?.id)
    throw new Error(`graphile_worker.add_job returned no job for notification ${notificationId}`);
}

/** One's own preferences; no row yet = everything on, version 0. */
export async function getNotificationSettings(db: DbOrTx, actor: Actor) {
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, actor.id));
  return row
    ? { allOff: row.allOff, offKinds: row.offKinds, approvalDigest: row.approvalDigest, version: row.version }
    : { allOff: false, offKinds: [] as string[], approvalDigest: false, version: 0 };
}

/** Saves one's own preferences (compare-and-set on version; the first save inserts at version 1). */
export async function updateNotificationSettings(
  db: Db,
  input: UpdateNotificationSettingsInput,
  actor: Actor,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const offKinds = [...new Set(input.offKinds)].sort();
    const values = { allOff: input.allOff, offKinds, approvalDigest: input.approvalDigest };
    const saved =
      input.version === 0
        ? await tx
            .insert(notificationSettings)
            .values({ userId: actor.id, ...values, version: 1 })
            .onConflictDoNothing()
            .returning({ version: notificationSettings.version })
        : await tx
            .update(notificationSettings)
            .set({ ...values, version: input.version + 1, updatedAt: new Date() })
            .where(
              and(eq(notificationSettings.userId, actor.id), eq(notificationSettings.version, input.version)),
            )
            .returning({ version: notificationSettings.version });
    if (!saved[0])
      throw new DomainError(
        'CONFLICT',
        'Your notification settings were changed elsewhere. Reload and try again.',
      );
    // turning the digest off releases what it held: those approvals are mailed one by one now
    if (!input.approvalDigest) {
      const released = await tx
        .update(notifications)
        .set({ status: 'queued', updatedAt: new Date() })
        .where(and(eq(notifications.recipientId, actor.id), eq(notifications.status, 'held')))
        .returning({ id: notifications.id });
      for (const row of released) await addSendJob(tx, row.id, 'q');
    }
    return saved[0];
  });
}

/**
 * An administrator sends a failed or uncertain notification again (audited). Uncertain means the
 * first send may have arrived: the page says so before this is asked for.
 */
export async function resendNotification(
  db: Db,
  input: { notificationId: string },
  actor: Actor,
): Promise<{ status: NotificationStatus }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.id, input.notificationId),
          eq(notifications.organisationId, actor.organisationId),
        ),
      )
      .for('update');
    if (!row) throw new DomainError('NOT_FOUND', 'Notification not found.');
    if (row.status !== 'failed' && row.status !== 'uncertain')
      throw new DomainError(
        'CONFLICT',
        `This message is ${row.status}; only failed or uncertain mail can be resent.`,
      );
    await tx
      .update(notifications)
      .set({ status: 'queued', lastError: null, updatedAt: new Date() })
      .where(and(eq(notifications.id, row.id), eq(notifications.status, row.status)));
    await addSendJob(tx, row.id, `r${row.attempts}`);
    await recordAudit(tx, {
      actor,
      action: 'notification.resend',
      entityType: 'notification',
      entityId: row.id,
      fromState: row.status,
      toState: 'queued',
      comment: `resend after ${row.attempts} send(s): ${row.subject}`,
    });
    return { status: 'queued' };
  });
}
