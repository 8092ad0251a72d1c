import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { organisations } from './organisation';

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
    check(
      'approval_step_definitions_applies',
      sql`${table.applies} IN ('always', 'above_pm_limit', 'above_executive_limit')`,
    ),
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
  (table) => [
    uniqueIndex('approval_routes_step_unique').on(table.recordType, table.recordId, table.cycle, table.step),
  ],
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

/**
 * Dual control (issue 13 item 6): the kinds of change that take effect only when a second person
 * confirms them, written by the dual-control migration from `dualControlDefinitions`
 * (server/modules/approvals/dual-control.ts; a test fails when the two disagree). The database guards
 * on partners, users and user_mfa read them.
 */
export const dualControlKinds = pgTable('dual_control_kinds', {
  kind: text('kind').primaryKey(),
  /** The table whose row the change is about: partners | users. */
  subjectTable: text('subject_table').notNull(),
  requesterRoles: text('requester_roles').array().notNull(),
  confirmerRoles: text('confirmer_roles').array().notNull(),
});

/**
 * A requested change waiting for (or decided by) a second person. `payload` holds the values to apply
 * (a bank number in full: this table is read only by the service, never sent to a browser); `summary`
 * is what people are shown and what the audit row keeps (bank details as fingerprint + last 4).
 * `applied_xact` is the transaction that confirmed it: the guards on the subject tables accept a
 * guarded change only inside that transaction and only with exactly the confirmed values.
 */
export const pendingChanges = pgTable(
  'pending_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind')
      .notNull()
      .references(() => dualControlKinds.kind),
    subjectId: uuid('subject_id').notNull(),
    payload: jsonb('payload').notNull(),
    summary: jsonb('summary').notNull(),
    /** pending | confirmed | rejected | cancelled */
    status: text('status').notNull().default('pending'),
    requestedById: uuid('requested_by_id')
      .notNull()
      .references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedById: uuid('decided_by_id').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    comment: text('comment'),
    appliedXact: bigint('applied_xact', { mode: 'number' }),
  },
  (table) => [
    check(
      'pending_changes_status',
      sql`${table.status} IN ('pending', 'confirmed', 'rejected', 'cancelled')`,
    ),
    check(
      'pending_changes_decided_pair',
      sql`(${table.decidedById} IS NULL) = (${table.decidedAt} IS NULL) AND (${table.decidedById} IS NULL) = (${table.status} = 'pending')`,
    ),
    // the two-person rule: the requester never confirms or rejects their own request (they may cancel it)
    check(
      'pending_changes_second_person',
      sql`${table.status} NOT IN ('confirmed', 'rejected') OR ${table.decidedById} <> ${table.requestedById}`,
    ),
    check(
      'pending_changes_cancelled_by_requester',
      sql`${table.status} <> 'cancelled' OR ${table.decidedById} = ${table.requestedById}`,
    ),
    check(
      'pending_changes_applied_when_confirmed',
      sql`(${table.appliedXact} IS NOT NULL) = (${table.status} = 'confirmed')`,
    ),
    uniqueIndex('pending_changes_one_open')
      .on(table.kind, table.subjectId)
      .where(sql`${table.status} = 'pending'`),
    index('pending_changes_org_status_idx').on(table.organisationId, table.status),
  ],
);
