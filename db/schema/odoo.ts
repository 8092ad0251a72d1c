import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { organisations } from './organisation';
import { costCodes, projects } from './projects';

export type OdooMappings = {
  retentionPayableAccountId?: number;
  retentionReceivableAccountId?: number;
  purchaseJournalId?: number;
  salesJournalId?: number;
  changeOrderProductId?: number;
  costCodePlanId?: number;
};

/**
 * The organisation's Odoo connection when configured on the admin screen (environment variables
 * take precedence). The secret is AES-256-GCM encrypted with ENCRYPTION_KEY, a fresh IV each time;
 * only its last four characters are ever shown.
 */
export const odooConnections = pgTable('odoo_connections', {
  id: uuid('id').primaryKey().defaultRandom(),
  organisationId: uuid('organisation_id')
    .notNull()
    .unique()
    .references(() => organisations.id),
  url: text('url').notNull(),
  database: text('database').notNull(),
  login: text('login').notNull(),
  authMethod: text('auth_method').$type<'api_key' | 'password'>().notNull(),
  secretCiphertext: text('secret_ciphertext').notNull(),
  secretIv: text('secret_iv').notNull(),
  secretTag: text('secret_tag').notNull(),
  secretLast4: text('secret_last4').notNull(),
  mappings: jsonb('mappings').$type<OdooMappings>().notNull().default({}),
  detectedVersion: text('detected_version'),
  detectedTransport: text('detected_transport'),
  lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
  lastTestOk: boolean('last_test_ok'),
  lastTestMessage: text('last_test_message'),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const pullRunStatusEnum = pgEnum('pull_run_status', ['running', 'succeeded', 'partial', 'failed']);

export type PullCounts = Record<
  string,
  { created: number; updated: number; unchanged: number; failed: number }
>;

/** One master-data pull: when, why, and per model what it created, updated, left or failed. */
export const pullRuns = pgTable(
  'pull_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trigger: text('trigger').$type<'schedule' | 'manual' | 'startup'>().notNull(),
    triggeredById: uuid('triggered_by_id').references(() => users.id),
    status: pullRunStatusEnum('status').notNull().default('running'),
    counts: jsonb('counts').$type<PullCounts>().notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index('pull_runs_started_idx').on(table.startedAt)],
);

/** The pulls that touched a record (created, updated or failed it), for the record's history. */
export const pullRunRecords = pgTable(
  'pull_run_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    pullRunId: uuid('pull_run_id')
      .notNull()
      .references(() => pullRuns.id, { onDelete: 'cascade' }),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id'),
    odooModel: text('odoo_model').notNull(),
    odooId: integer('odoo_id').notNull(),
    action: text('action').$type<'created' | 'updated' | 'failed'>().notNull(),
    changedFields: jsonb('changed_fields').$type<Record<string, { old: unknown; new: unknown }>>(),
    message: text('message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('pull_run_records_record_idx').on(table.recordType, table.recordId, table.id),
    index('pull_run_records_run_idx').on(table.pullRunId),
  ],
);

/**
 * Odoo records the pull read that belong to no Plumbline project (another department's project, a
 * PO for the office): listed once, with why, on Admin → Odoo → Setup — not a failed record on every
 * pull and not an exception. A row goes when a later pull links the record.
 */
export const odooUnlinkedRecords = pgTable(
  'odoo_unlinked_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    odooModel: text('odoo_model').notNull(),
    odooId: integer('odoo_id').notNull(),
    name: text('name').notNull(),
    reason: text('reason').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('odoo_unlinked_records_key').on(table.organisationId, table.odooModel, table.odooId),
  ],
);

/** Incremental pulls resume from the last write_date seen per Odoo model. */
export const pullCursors = pgTable('pull_cursors', {
  odooModel: text('odoo_model').primaryKey(),
  lastWriteDate: timestamp('last_write_date', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Actual cost mirrored from Odoo's account.analytic.line, cost sign normalised (a cost is positive).
 * `purchase_line_id` set = the cost of a commitment's bill, counted once against the commitment.
 */
export const analyticLines = pgTable(
  'analytic_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    odooId: integer('odoo_id').notNull(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    costCodeId: uuid('cost_code_id').references(() => costCodes.id),
    date: date('date').notNull(),
    description: text('description').notNull().default(''),
    costAmount: numeric('cost_amount', { precision: 14, scale: 2 }).notNull(),
    odooMoveLineId: integer('odoo_move_line_id'),
    odooMoveId: integer('odoo_move_id'),
    odooPurchaseLineId: integer('odoo_purchase_line_id'),
    odooWriteDate: timestamp('odoo_write_date', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('analytic_lines_odoo_id_unique').on(table.odooId),
    index('analytic_lines_project_code_idx').on(table.projectId, table.costCodeId, table.date),
  ],
);
