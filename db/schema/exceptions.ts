import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { projects } from './projects';

export const exceptionCategoryEnum = pgEnum('exception_category', [
  'sync_failure',
  'rule_breach',
  'pull_mapping',
  'reconciliation_drift',
]);
export const exceptionSeverityEnum = pgEnum('exception_severity', ['low', 'medium', 'high', 'critical']);
export const exceptionStatusEnum = pgEnum('exception_status', ['open', 'resolved', 'dismissed']);

/**
 * Finance's queue of what stands between an approval and the ledger. At most one open exception per
 * (record, cause): a repeat updates it (occurrences, last_seen_at) instead of adding a row.
 */
export const exceptions = pgTable(
  'exceptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    category: exceptionCategoryEnum('category').notNull(),
    cause: text('cause').notNull(),
    severity: exceptionSeverityEnum('severity').notNull(),
    status: exceptionStatusEnum('status').notNull().default('open'),
    ownerRole: text('owner_role').notNull().default('finance'),
    assigneeId: uuid('assignee_id').references(() => users.id),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    recordReference: text('record_reference'),
    projectId: uuid('project_id').references(() => projects.id),
    amountAtStake: numeric('amount_at_stake', { precision: 14, scale: 2 }),
    title: text('title').notNull(),
    detail: text('detail').notNull(),
    guidance: text('guidance').notNull(),
    errorName: text('error_name'),
    occurrences: integer('occurrences').notNull().default(1),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedById: uuid('resolved_by_id').references(() => users.id),
    resolution: text('resolution'),
    version: integer('version').notNull().default(1),
  },
  (table) => [
    uniqueIndex('exceptions_open_per_cause_unique')
      .on(table.recordType, table.recordId, table.cause)
      .where(sql`${table.status} = 'open'`),
    index('exceptions_queue_idx').on(table.status, table.category, table.firstSeenAt),
    index('exceptions_project_idx').on(table.projectId),
    // the portfolio counts open exceptions per project with an index-only scan
    index('exceptions_open_project_idx')
      .on(table.projectId)
      .where(sql`${table.status} = 'open'`),
  ],
);
