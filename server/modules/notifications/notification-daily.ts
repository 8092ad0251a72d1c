import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { notifications, organisations } from '@/db/schema';
import { env } from '@/server/env';
import { dateIn } from '@/server/lib/org-time';
import {
  renderApprovalDigest,
  renderComplianceExpiringForFinance,
  renderComplianceExpiringForVendor,
} from './notification-templates';
import { stillWaitsFor } from './notification-events';
import { queueNotification } from './notification.service';
import { financeUsers, vendorContacts, type Recipient } from './recipients';

/** Certificates expiring within this many days are announced (DOMAIN §8). */
export const EXPIRY_NOTICE_DAYS = 30;

/** The hour (0–23) of `at` in `timeZone`. */
export function hourIn(timeZone: string, at: Date): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(hour);
}

export type DailyResult = { organisationId: string; date: string; digests: number; expiring: number };

/**
 * The daily mail of each organisation, by its own calendar (Admin → Organisation settings): from
 * `dailyHour` local time on, the approvals digest of everyone who chose it and the "expiring within
 * 30 days" notices. The task runs every few minutes; every run after the hour finds the day's mail
 * already queued (dedupe keys carry the local date, the vendor, the certificate and its expiry
 * date), so a day's digest and a certificate's notice go out once. `at` is graphile's scheduled
 * time, so a run backfilled late still files the right day.
 */
export async function runDailyNotifications(
  db: Db,
  at: Date,
  dailyHour = env().NOTIFY_DAILY_HOUR,
): Promise<DailyResult[]> {
  const results: DailyResult[] = [];
  for (const organisation of await db
    .select({ id: organisations.id, timeZone: organisations.timeZone })
    .from(organisations)) {
    if (hourIn(organisation.timeZone, at) < dailyHour) continue;
    const date = dateIn(organisation.timeZone, at);
    const digests = await sendApprovalDigests(db, organisation.id, date);
    const expiring = await queueExpiryNotices(db, organisation.id, date);
    results.push({ organisationId: organisation.id, date, digests, expiring });
  }
  return results;
}

/**
 * One digest per person and local day listing the approval notifications held for it; in one
 * transaction the digest is queued and what it carries is marked `digested` (with the digest's id),
 * so nothing is listed twice and nothing held is lost.
 */
export async function sendApprovalDigests(db: Db, organisationId: string, date: string): Promise<number> {
  const waiting = await db.execute<Recipient>(sql`
    SELECT DISTINCT u.id, u.email, u.name, u.role::text AS role
    FROM notifications n JOIN users u ON u.id = n.recipient_id
    WHERE n.organisation_id = ${organisationId}::uuid AND n.status = 'held'`);
  let count = 0;
  for (const recipient of waiting.rows) {
    await db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: notifications.id,
          subject: notifications.subject,
          bodyText: notifications.bodyText,
          recordType: notifications.recordType,
          recordId: notifications.recordId,
          dedupeKey: notifications.dedupeKey,
        })
        .from(notifications)
        .where(and(eq(notifications.recipientId, recipient.id), eq(notifications.status, 'held')))
        .orderBy(notifications.createdAt)
        .for('update');
      // only what still waits for them is listed; a step someone else took since is dropped
      const held: typeof rows = [];
      const moved: string[] = [];
      for (const row of rows) {
        if (await stillWaitsFor(tx, row, recipient)) held.push(row);
        else moved.push(row.id);
      }
      if (moved.length > 0)
        await tx
          .update(notifications)
          .set({
            status: 'skipped',
            lastError: 'No longer waiting for this person at digest time.',
            updatedAt: new Date(),
          })
          .where(and(inArray(notifications.id, moved), eq(notifications.status, 'held')));
      if (held.length === 0) return;
      const queued = await queueNotification(tx, {
        event: 'approval_digest',
        organisationId,
        recordType: 'user',
        recordId: recipient.id,
        occurrence: date,
        recipients: [recipient],
        render: () =>
          renderApprovalDigest({
            date,
            items: held.map((row) => ({
              subject: row.subject,
              link: /Open it: (\S+)/.exec(row.bodyText)?.[1] ?? `${env().appOrigin}/inbox`,
            })),
            inboxLink: `${env().appOrigin}/inbox`,
          }),
      });
      // today's digest already went: what arrived since waits for tomorrow's
      const digestId = queued.queued[0] ?? queued.skipped[0];
      if (!digestId) return;
      await tx
        .update(notifications)
        .set({ status: 'digested', digestId, updatedAt: new Date() })
        .where(
          and(
            inArray(
              notifications.id,
              held.map((row) => row.id),
            ),
            eq(notifications.status, 'held'),
          ),
        );
      count += 1;
    });
  }
  return count;
}

/**
 * Insurance and licence dates (partners.insurance_expires_on / licence_expires_on) within 30 days of
 * the organisation's today → the vendor's contacts and finance, once per vendor, certificate and
 * expiry date (a renewed certificate has a new date and gets its own notice).
 */
export async function queueExpiryNotices(db: Db, organisationId: string, today: string): Promise<number> {
  const due = await db.execute<{
    vendor_id: string;
    vendor_name: string;
    what: string;
    expires_on: string;
  }>(sql`
    SELECT v.id AS vendor_id, v.name AS vendor_name, e.what, e.expires_on::text AS expires_on
    FROM partners v
    CROSS JOIN LATERAL (VALUES ('insurance', v.insurance_expires_on), ('licence', v.licence_expires_on)) AS e(what, expires_on)
    WHERE v.organisation_id = ${organisationId}::uuid AND v.is_active AND e.expires_on IS NOT NULL
      AND e.expires_on BETWEEN ${today}::date AND ${today}::date + ${EXPIRY_NOTICE_DAYS}::int
    ORDER BY v.name, e.what`);
  if (due.rows.length === 0) return 0;
  const finance = await financeUsers(db, organisationId);
  let count = 0;
  for (const row of due.rows) {
    await db.transaction(async (tx) => {
      const facts = {
        vendorName: row.vendor_name,
        what: row.what,
        expiresOn: row.expires_on,
        link: `${env().appOrigin}/vendors/${row.vendor_id}`,
      };
      const contacts = await vendorContacts(tx, row.vendor_id);
      const result = await queueNotification(tx, {
        event: 'compliance_expiring',
        organisationId,
        recordType: 'vendor',
        recordId: row.vendor_id,
        occurrence: `${row.what}:${row.expires_on}`,
        recipients: [...contacts, ...finance],
        render: (recipient) =>
          recipient.role === 'subcontractor'
            ? renderComplianceExpiringForVendor({ ...facts, link: `${env().appOrigin}/sub` })
            : renderComplianceExpiringForFinance(facts),
      });
      count += result.queued.length + result.skipped.length + result.held.length;
    });
  }
  return count;
}
