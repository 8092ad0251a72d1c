import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { notifications } from '@/db/schema';
import { sendMail, verifySmtp, type MailOptions } from './mailer';

/** A claim older than this whose send never finished is `uncertain` (sweepUncertainSends). */
export const SEND_LEASE_MS = 10 * 60_000;

export type SendOutcome = 'sent' | 'not_queued' | 'skipped' | 'failed' | 'uncertain';

export type SendOptions = MailOptions & {
  /** Tests: runs after the SMTP server accepted the message, before it is marked sent (a crash there). */
  afterAccepted?: () => Promise<void>;
};

/** Thrown so graphile retries the job with its backoff: nothing was handed over, the row is queued. */
export class NotificationRetryError extends Error {
  override name = 'NotificationRetryError';
}

type SmtpError = Error & { responseCode?: number; command?: string; code?: string };

/** The server answered with a refusal, or we never got past connecting: the message was not delivered. */
function notDelivered(error: SmtpError): 'temporary' | 'permanent' | null {
  if (typeof error.responseCode === 'number' && error.responseCode >= 400)
    return error.responseCode >= 500 ? 'permanent' : 'temporary';
  if (error.command === 'CONN') return 'temporary';
  return null;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * Sends one notification at most once (issue 19). The graphile job `notification_send` runs it.
 *
 * 1. Only a `queued` row is sent; anything else (sent, being sent, uncertain) ends the job: running
 *    the job twice sends one message.
 * 2. The SMTP server is checked first (connect, EHLO); down → NotificationRetryError before anything
 *    is claimed, and graphile retries with its backoff.
 * 3. The claim: queued → sending, committed on its own, before a byte goes to the server.
 * 4. Sent → `sent` with the message id. Refused by the server (4xx, or the connection failed while
 *    connecting) → back to `queued` and retried; 5xx → `failed`. Any other failure (the connection
 *    dropped while the message was in flight) → `uncertain`: it may have arrived, so it is never
 *    sent again by itself; an administrator decides (Admin → Sent mail → Resend).
 * A worker killed between 3 and 4 leaves `sending`; sweepUncertainSends turns it `uncertain` after
 * the lease. Nothing ever moves `sending` back to `queued` on its own.
 */
export async function sendNotification(
  db: Db,
  notificationId: string,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const found = await db.execute<{
    status: string;
    email: string;
    subject: string;
    body_text: string;
    deliverable: boolean;
  }>(sql`
    SELECT n.status, u.email, n.subject, n.body_text,
      (u.is_active AND (u.vendor_id IS NULL OR EXISTS (SELECT 1 FROM partners v WHERE v.id = u.vendor_id AND v.is_active))) AS deliverable
    FROM notifications n JOIN users u ON u.id = n.recipient_id
    WHERE n.id = ${notificationId}::uuid`);
  const row = found.rows[0];
  if (!row || row.status !== 'queued') return 'not_queued';
  if (!row.deliverable) {
    await db
      .update(notifications)
      .set({ status: 'skipped', lastError: 'The recipient is no longer active.', updatedAt: new Date() })
      .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'queued')));
    return 'skipped';
  }
  try {
    await verifySmtp(options);
  } catch (error) {
    await db
      .update(notifications)
      .set({ lastError: `SMTP server not reachable: ${describe(error)}`, updatedAt: new Date() })
      .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'queued')));
    throw new NotificationRetryError(`SMTP server not reachable: ${describe(error)}`);
  }
  const claimed = await db
    .update(notifications)
    .set({
      status: 'sending',
      claimedAt: new Date(),
      attempts: sql`${notifications.attempts} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'queued')))
    .returning({ id: notifications.id });
  if (claimed.length === 0) return 'not_queued';

  let messageId: string;
  try {
    const result = await sendMail(
      {
        to: [row.email],
        subject: row.subject,
        text: row.body_text,
        headers: { 'X-Plumbline-Notification': notificationId, 'Auto-Submitted': 'auto-generated' },
      },
      options,
    );
    messageId = result.messageId;
  } catch (error) {
    const verdict = notDelivered(error as SmtpError);
    const status = verdict === 'temporary' ? 'queued' : verdict === 'permanent' ? 'failed' : 'uncertain';
    await db
      .update(notifications)
      .set({
        status,
        lastError:
          status === 'uncertain'
            ? `The connection failed while the message was being sent; it may have arrived: ${describe(error)}`
            : describe(error),
        updatedAt: new Date(),
      })
      .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'sending')));
    if (status === 'queued') throw new NotificationRetryError(`SMTP refused for now: ${describe(error)}`);
    return status;
  }
  await options.afterAccepted?.();
  await db
    .update(notifications)
    .set({ status: 'sent', sentAt: new Date(), messageId, lastError: null, updatedAt: new Date() })
    .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'sending')));
  return 'sent';
}

/** Claims whose send never finished within the lease become `uncertain` (never resent by themselves). */
export async function sweepUncertainSends(db: Db, leaseMs = SEND_LEASE_MS): Promise<string[]> {
  const rows = await db
    .update(notifications)
    .set({
      status: 'uncertain',
      lastError:
        'The send was interrupted after it began (the worker stopped); it may or may not have arrived.',
      updatedAt: new Date(),
    })
    .where(
      and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, new Date(Date.now() - leaseMs))),
    )
    .returning({ id: notifications.id });
  return rows.map((row) => row.id);
}

/** The job's last attempt failed before anything was handed over: `failed`, for an administrator. */
export async function giveUpQueued(db: Db, notificationId: string, reason: string): Promise<void> {
  await db
    .update(notifications)
    .set({
      status: 'failed',
      lastError: `Gave up after the last attempt: ${reason}`.slice(0, 500),
      updatedAt: new Date(),
    })
    .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'queued')));
}
