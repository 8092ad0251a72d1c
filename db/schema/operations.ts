import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';

/**
 * Service level objectives an administrator has changed from the defaults (server/modules/operations/slo.ts
 * holds the defaults; a workflow without a row uses them). Every change is audited.
 */
export const sloTargets = pgTable('slo_targets', {
  /** change_order | claim | milestone (approval → Odoo) or exceptions (unowned age). */
  workflow: text('workflow').primaryKey(),
  /** Share of approvals that must reach Odoo within the threshold, in percent (99 = 99 %). */
  objectivePercent: numeric('objective_percent', { precision: 6, scale: 3 }).notNull(),
  /** approval → Odoo: minutes; exceptions: business days an exception may stay unowned. */
  threshold: integer('threshold').notNull(),
  windowDays: integer('window_days').notNull().default(7),
  updatedById: uuid('updated_by_id').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/**
 * Operational alerts (queue lag, failure rate, Odoo connection, reconciliation schedule, SLO burn).
 * At most one open alert per (rule, subject): a condition that persists updates it instead of
 * raising another; it resolves itself when the condition clears. Raise and resolve are audited.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rule: text('rule').notNull(),
    subject: text('subject').notNull(),
    status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
    severity: text('severity').$type<'warning' | 'critical'>().notNull().default('warning'),
    title: text('title').notNull(),
    detail: text('detail').notNull(),
    value: numeric('value', { precision: 20, scale: 4 }),
    threshold: numeric('threshold', { precision: 20, scale: 4 }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Per channel: when it was delivered, or the error of the last try. */
    deliveries: jsonb('deliveries')
      .$type<Record<string, { at: string; ok: boolean; error?: string }>>()
      .notNull()
      .default({}),
  },
  (table) => [
    uniqueIndex('alerts_open_per_rule_subject_unique')
      .on(table.rule, table.subject)
      .where(sql`${table.status} = 'open'`),
    index('alerts_opened_idx').on(table.openedAt),
  ],
);
