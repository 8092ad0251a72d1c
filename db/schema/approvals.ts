import { sql } from 'drizzle-orm';
import { boolean, check, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';

/**
 * The one approvals module's tables (server/modules/approvals/approvals.ts owns their meaning).
 *
 * approval_record_types and approval_step_definitions are the route *definitions*, written by the
 * approvals migration from `routeDefinitions` (a test fails when the two disagree); the generic
 * database guard reads them, so no workflow has its own hand-written plpgsql copy.
 */
export const approvalRecordTypes = pgTable('approval_record_types', {
  recordType: text('record_type').primaryKey(),
  tableName: text('table_name').notNull(),
  /** Columns of the record that name its authors (creator, submitter, …). */
  authorColumns: text('author_columns').array().notNull(),
  /** The record's column holding the amount its route must cover (null: the route does not depend on it). */
  amountColumn: text('amount_column'),
  /** The record's states from the first decided one on, in order (the deferred guard ranks them). */
  decidedStates: text('decided_states').array().notNull(),
});

export const approvalStepDefinitions = pgTable(
  'approval_step_definitions',
  {
    recordType: text('record_type')
      .notNull()
      .references(() => approvalRecordTypes.recordType),
    step: integer('step').notNull(),
    stepName: text('step_name').notNull(),
    /** Roles that may hold the step; the route fixes one of them. */
    roles: text('roles').array().notNull(),
    /** always | above_pm_limit | above_executive_limit */
    applies: text('applies').notNull(),
    /** The record's authors may take this step (a QS certifying the application they keyed in). */
    authorsMayAct: boolean('authors_may_act').notNull().default(false),
    /** The record's status while the step waits, and the status reached once it is approved. */
    awaits: text('awaits').notNull(),
    reaches: text('reaches').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.recordType, table.step] }),
    check('approval_step_definitions_applies', sql`${table.applies} IN ('always', 'above_pm_limit', 'above_executive_limit')`),
  ],
);

/** A record's route, fixed (append-only) when it enters approval: one row per step per cycle. */
export const approvalRoutes = pgTable(
  'approval_routes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    cycle: integer('cycle').notNull().default(1),
    step: integer('step').notNull(),
    stepName: text('step_name').notNull(),
    role: text('role').notNull(),
    routingAmount: numeric('routing_amount', { precision: 14, scale: 2 }).notNull(),
    reason: text('reason').notNull(),
    fixedAt: timestamp('fixed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('approval_routes_step_unique').on(table.recordType, table.recordId, table.cycle, table.step)],
);

/** Everyone who shaped a record's figures (creator, submitter, every editor of any revision). */
export const approvalAuthors = pgTable(
  'approval_authors',
  {
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** creator | submitter | editor */
    kind: text('kind').notNull(),
    notedAt: timestamp('noted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.recordType, table.recordId, table.userId] })],
);
