import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { costCodes, projects } from './projects';
import { subcontracts } from './subcontracts';
import { syncStatusEnum } from './sync';

export const changeOrderKindEnum = pgEnum('change_order_kind', ['client', 'commitment', 'internal']);
export const changeOrderStatusEnum = pgEnum('change_order_status', [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'void',
]);
export const changeOrderReasonEnum = pgEnum('change_order_reason', [
  'client_instruction',
  'design_change',
  'unforeseen_condition',
  'error_or_omission',
  'other',
]);

/**
 * A change order (variation). A rejected CO is revised into a new row with the same number and the
 * next revision; the old one stays readable. An approved CO is never edited (a trigger refuses it).
 */
export const changeOrders = pgTable(
  'change_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    number: integer('number').notNull(),
    revision: integer('revision').notNull().default(1),
    reference: text('reference').notNull(),
    kind: changeOrderKindEnum('kind').notNull(),
    title: text('title').notNull(),
    reason: changeOrderReasonEnum('reason').notNull(),
    description: text('description').notNull().default(''),
    scheduleImpactDays: integer('schedule_impact_days').notNull().default(0),
    subcontractId: uuid('subcontract_id').references(() => subcontracts.id),
    clientChangeOrderId: uuid('client_change_order_id').references((): AnyPgColumn => changeOrders.id),
    previousRevisionId: uuid('previous_revision_id').references((): AnyPgColumn => changeOrders.id),
    status: changeOrderStatusEnum('status').notNull().default('draft'),
    isProceeding: boolean('is_proceeding').notNull().default(false),
    costTotalAmount: numeric('cost_total_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    sellTotalAmount: numeric('sell_total_amount', { precision: 14, scale: 2 }),
    routingAmount: numeric('routing_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id),
    submittedById: uuid('submitted_by_id').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    syncStatus: syncStatusEnum('sync_status').notNull().default('not_required'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('change_orders_number_revision_unique').on(table.projectId, table.number, table.revision),
    index('change_orders_project_status_idx').on(table.projectId, table.status),
    index('change_orders_status_idx').on(table.status, table.submittedAt),
    index('change_orders_sync_idx').on(table.syncStatus),
    index('change_orders_previous_revision_idx')
      .on(table.previousRevisionId)
      .where(sql`${table.previousRevisionId} IS NOT NULL`),
    check(
      'change_orders_commitment_has_subcontract',
      sql`(${table.kind} = 'commitment') = (${table.subcontractId} IS NOT NULL)`,
    ),
    check('change_orders_schedule_impact_sane', sql`${table.scheduleImpactDays} BETWEEN -3650 AND 3650`),
  ],
);

export const changeOrderLines = pgTable(
  'change_order_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeOrderId: uuid('change_order_id')
      .notNull()
      .references(() => changeOrders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    costCodeId: uuid('cost_code_id')
      .notNull()
      .references(() => costCodes.id),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 4 }).notNull(),
    unit: text('unit').notNull(),
    unitCostAmount: numeric('unit_cost_amount', { precision: 14, scale: 2 }).notNull(),
    costAmount: numeric('cost_amount', { precision: 14, scale: 2 }).notNull(),
    sellAmount: numeric('sell_amount', { precision: 14, scale: 2 }),
  },
  (table) => [
    uniqueIndex('change_order_lines_no_unique').on(table.changeOrderId, table.lineNo),
    index('change_order_lines_cost_code_idx').on(table.costCodeId),
  ],
);

/** Drawings and instructions live in the document system; a CO keeps titled links to them. */
export const changeOrderDocuments = pgTable('change_order_documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  changeOrderId: uuid('change_order_id')
    .notNull()
    .references(() => changeOrders.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  url: text('url').notNull(),
});

export const approvalDecisionEnum = pgEnum('approval_decision', ['approved', 'rejected']);

/**
 * One row per approval step taken on any record (change orders, claims, milestones). The unique
 * indexes make the rules hold even when the application is bypassed: one decision per step, and one
 * step per person on one record, within one approval cycle.
 */
export const approvalDecisions = pgTable(
  'approval_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    /** A record that returns to an earlier state without a new revision (a rejected milestone) starts a new cycle. */
    cycle: integer('cycle').notNull().default(1),
    step: integer('step').notNull(),
    stepName: text('step_name').notNull(),
    role: text('role').notNull(),
    decision: approvalDecisionEnum('decision').notNull(),
    decidedById: uuid('decided_by_id')
      .notNull()
      .references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
    comment: text('comment'),
  },
  (table) => [
    uniqueIndex('approval_decisions_step_unique').on(
      table.recordType,
      table.recordId,
      table.cycle,
      table.step,
    ),
    uniqueIndex('approval_decisions_person_unique').on(
      table.recordType,
      table.recordId,
      table.cycle,
      table.decidedById,
    ),
  ],
);

export const budgetRevisionKindEnum = pgEnum('budget_revision_kind', ['transfer', 'approved_change']);

/** Append-only budget movements per cost code, one per (change order, cost code). */
export const budgetRevisions = pgTable(
  'budget_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    costCodeId: uuid('cost_code_id')
      .notNull()
      .references(() => costCodes.id),
    changeOrderId: uuid('change_order_id')
      .notNull()
      .references(() => changeOrders.id),
    kind: budgetRevisionKindEnum('kind').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('budget_revisions_co_code_unique').on(table.changeOrderId, table.costCodeId),
    index('budget_revisions_code_idx').on(table.costCodeId),
  ],
);

/** Append-only revisions of a project's contract value, one per approved client change order. */
export const contractRevisions = pgTable(
  'contract_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    changeOrderId: uuid('change_order_id')
      .notNull()
      .references(() => changeOrders.id),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('contract_revisions_co_unique').on(table.changeOrderId),
    index('contract_revisions_project_idx').on(table.projectId),
  ],
);
