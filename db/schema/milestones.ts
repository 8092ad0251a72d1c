import { sql } from 'drizzle-orm';
import {
  check,
  date,
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
import { syncStatusEnum } from './sync';

export const milestoneStatusEnum = pgEnum('milestone_status', [
  'planned',
  'completion_claimed',
  'verified',
  'released',
  'invoiced',
  'paid',
]);
export const milestoneAmountBasisEnum = pgEnum('milestone_amount_basis', ['fixed', 'percent']);

/** A billing milestone of a project's contract (DOMAIN §5). */
export const milestones = pgTable(
  'milestones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    number: integer('number').notNull(),
    reference: text('reference').notNull(),
    name: text('name').notNull(),
    plannedDate: date('planned_date').notNull(),
    amountBasis: milestoneAmountBasisEnum('amount_basis').notNull().default('fixed'),
    fixedAmount: numeric('fixed_amount', { precision: 14, scale: 2 }),
    percentOfContract: numeric('percent_of_contract', { precision: 7, scale: 4 }),
    odooSaleLineId: integer('odoo_sale_line_id'),
    odooMilestoneId: integer('odoo_milestone_id'),
    status: milestoneStatusEnum('status').notNull().default('planned'),
    rejectionReason: text('rejection_reason'),
    /** Each rejection back to planned starts a new approval cycle (approval_decisions.cycle). */
    cycle: integer('cycle').notNull().default(1),
    invoiceAmount: numeric('invoice_amount', { precision: 14, scale: 2 }),
    retentionAmount: numeric('retention_amount', { precision: 14, scale: 2 }),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id),
    completionClaimedById: uuid('completion_claimed_by_id').references(() => users.id),
    completionClaimedAt: timestamp('completion_claimed_at', { withTimezone: true }),
    verifiedById: uuid('verified_by_id').references(() => users.id),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    releasedById: uuid('released_by_id').references(() => users.id),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    odooInvoiceId: integer('odoo_invoice_id'),
    odooInvoiceName: text('odoo_invoice_name'),
    odooInvoiceState: text('odoo_invoice_state'),
    odooPaymentState: text('odoo_payment_state'),
    syncStatus: syncStatusEnum('sync_status').notNull().default('not_required'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('milestones_project_number_unique').on(table.projectId, table.number),
    index('milestones_status_date_idx').on(table.status, table.plannedDate),
    index('milestones_sync_idx').on(table.syncStatus),
    check(
      'milestones_verified_has_verifier',
      sql`${table.status} NOT IN ('verified', 'released', 'invoiced', 'paid') OR ${table.verifiedById} IS NOT NULL`,
    ),
    check(
      'milestones_released_has_releaser',
      sql`${table.status} NOT IN ('released', 'invoiced', 'paid') OR ${table.releasedById} IS NOT NULL`,
    ),
    check(
      'milestones_verifier_took_no_other_step',
      sql`${table.verifiedById} NOT IN (${table.createdById}, ${table.completionClaimedById})`,
    ),
    check(
      'milestones_releaser_took_no_other_step',
      sql`${table.releasedById} NOT IN (${table.createdById}, ${table.completionClaimedById}, ${table.verifiedById})`,
    ),
    check(
      'milestones_amount_basis_consistent',
      sql`(${table.amountBasis} = 'fixed' AND ${table.fixedAmount} IS NOT NULL AND ${table.fixedAmount} > 0) OR (${table.amountBasis} = 'percent' AND ${table.percentOfContract} > 0 AND ${table.percentOfContract} <= 1)`,
    ),
  ],
);

export const milestoneEvidence = pgTable('milestone_evidence', {
  id: uuid('id').primaryKey().defaultRandom(),
  milestoneId: uuid('milestone_id')
    .notNull()
    .references(() => milestones.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  url: text('url').notNull(),
});
