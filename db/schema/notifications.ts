import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { organisations } from './organisation';

/**
 * One email to one person (issue 19), written in the transaction of the event that causes it, then
 * sent by a graphile job (server/modules/notifications/notification-send.ts).
 *
 * Status: `queued` → `sending` (the job's committed claim) → `sent` (SMTP accepted it). A job never
 * sends a row it did not claim, so a second run sends nothing. A claim whose job died (or lost the
 * connection after handing the message over) becomes `uncertain` after the lease: never re-sent by
 * itself, listed on Admin → Sent mail for a person to resend. `failed`: the server refused it for
 * good. `skipped`: the recipient turned this kind off (or left) — kept so the event still has its row.
 * `held`: waiting for the recipient's daily digest; `digested`: sent as part of `digest_id`.
 */
export const notificationStatuses = [
  'queued',
  'sending',
  'sent',
  'failed',
  'skipped',
  'uncertain',
  'held',
  'digested',
] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    /** The event, unique per recipient: the same event never makes a second row (ON CONFLICT DO NOTHING). */
    dedupeKey: text('dedupe_key').notNull(),
    recordType: text('record_type'),
    recordId: uuid('record_id'),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    /** Essential mail (account, security) ignores the recipient's preferences. */
    essential: boolean('essential').notNull().default(false),
    status: text('status').$type<NotificationStatus>().notNull().default('queued'),
    /** Sends begun (claims); a resend by an administrator starts another. */
    attempts: integer('attempts').notNull().default(0),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    messageId: text('message_id'),
    lastError: text('last_error'),
    /** The digest that carried this row (status `digested`). */
    digestId: uuid('digest_id').references((): AnyPgColumn => notifications.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('notifications_recipient_event_unique').on(table.recipientId, table.dedupeKey),
    index('notifications_status_idx').on(table.status, table.createdAt),
    index('notifications_recipient_idx').on(table.recipientId, table.createdAt),
    check(
      'notifications_status',
      sql`${table.status} IN ('queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain', 'held', 'digested')`,
    ),
    check('notifications_sent', sql`(${table.status} = 'sent') = (${table.sentAt} IS NOT NULL)`),
    check('notifications_claimed', sql`${table.status} <> 'sending' OR ${table.claimedAt} IS NOT NULL`),
    check('notifications_digested', sql`(${table.status} = 'digested') = (${table.digestId} IS NOT NULL)`),
    check('notifications_subject', sql`length(${table.subject}) BETWEEN 1 AND 300`),
  ],
);

/**
 * One person's mail preferences. No row = everything on, one mail per approval. `offKinds` lists the
 * non-essential kinds turned off; `allOff` turns every non-essential kind off; `approvalDigest` sends
 * "approval waiting" once a day as one message instead of one each.
 */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  allOff: boolean('all_off').notNull().default(false),
  offKinds: text('off_kinds')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  approvalDigest: boolean('approval_digest').notNull().default(false),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
