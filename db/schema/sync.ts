import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';

import { syncStatusEnum } from './sync-status';

export { syncStatusEnum };

export const syncOutcomeEnum = pgEnum('sync_outcome', [
  'success',
  'transient_error',
  'ambiguous',
  'business_error',
  'configuration_error',
  'programming_error',
  'crashed',
]);

/** One row per attempt to make Odoo match a record (one job execution). Never holds a secret. */
export const syncAttempts = pgTable(
  'sync_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    operation: text('operation').notNull(),
    odooModel: text('odoo_model'),
    odooId: integer('odoo_id'),
    outcome: syncOutcomeEnum('outcome').notNull(),
    errorClass: text('error_class'),
    errorName: text('error_name'),
    errorMessage: text('error_message'),
    httpStatus: integer('http_status'),
    durationMs: integer('duration_ms').notNull(),
    attemptNumber: integer('attempt_number').notNull(),
    correlationId: uuid('correlation_id'),
    jobId: text('job_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('sync_attempts_record_idx').on(table.recordType, table.recordId, table.id),
    index('sync_attempts_finished_idx').on(table.finishedAt),
  ],
);

/**
 * The Odoo documents a record made, by purpose (e.g. 'sale_order_line', 'vendor_bill'). Unique per
 * (record, purpose): one claim → at most one bill, ever.
 */
export const syncLinks = pgTable(
  'sync_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    purpose: text('purpose').notNull(),
    odooModel: text('odoo_model').notNull(),
    odooId: integer('odoo_id').notNull(),
    reference: text('reference').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('sync_links_record_purpose_unique').on(table.recordType, table.recordId, table.purpose),
    index('sync_links_odoo_idx').on(table.odooModel, table.odooId),
  ],
);

/** Liveness of sync worker processes, so jobs held by a dead worker are released quickly. */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  workerId: text('worker_id').primaryKey(),
  processId: text('process_id').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per record that must be made to match Odoo (server/sync/enqueue.ts, engine.ts). Written in
 * the transaction that changes the record; claimed by a sync job with FOR UPDATE SKIP LOCKED
 * (claimed_by = the graphile worker id, so one record is never synced twice at once); deleted in the
 * transaction that records the attempt that settles it. `generation` grows with each request, so a
 * request made while a claimed sync runs is never lost. graphile-worker only schedules the batches.
 */
export const syncRequests = pgTable(
  'sync_requests',
  {
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    correlationId: uuid('correlation_id'),
    /** The attempt number of the next run; a claim counts (a killed run was an attempt). */
    attempt: integer('attempt').notNull().default(1),
    generation: integer('generation').notNull().default(1),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.recordType, table.recordId] }),
    index('sync_requests_due_idx')
      .on(table.recordType, table.runAfter)
      .where(sql`claimed_by IS NULL`),
    index('sync_requests_claimed_by_idx')
      .on(table.claimedBy)
      .where(sql`claimed_by IS NOT NULL`),
  ],
);

export const reconciliationRunStatusEnum = pgEnum('reconciliation_run_status', [
  'running',
  'succeeded',
  'partial',
  'failed',
]);

/** Per record type ('claim' | 'milestone' | 'change_order'): what was compared and what was found. */
export type ReconciliationCounts = Record<
  string,
  {
    checked: number;
    matched: number;
    missing: number;
    duplicated: number;
    amountChanged: number;
    stateChanged: number;
    cancelled: number;
    resolved: number;
    failed: number;
  }
>;

/** One reconciliation of synced records against Odoo by reference: when, why, and what it found. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trigger: text('trigger').$type<'schedule' | 'manual'>().notNull(),
    triggeredById: uuid('triggered_by_id').references(() => users.id),
    status: reconciliationRunStatusEnum('status').notNull().default('running'),
    counts: jsonb('counts').$type<ReconciliationCounts>().notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index('reconciliation_runs_started_idx').on(table.startedAt)],
);
