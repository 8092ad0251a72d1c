import { sql } from 'drizzle-orm';
import {
  check,
  char,
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
import { partners } from './partners';
import { costCodes, projects } from './projects';

export const retentionCapBasisEnum = pgEnum('retention_cap_basis', ['original', 'revised', 'fixed']);

/** A confirmed purchase.order of a vendor on a project; Plumbline adds the retention terms. */
export const subcontracts = pgTable(
  'subcontracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    vendorId: uuid('vendor_id')
      .notNull()
      .references(() => partners.id),
    odooPurchaseOrderId: integer('odoo_purchase_order_id'),
    reference: text('reference').notNull(),
    title: text('title').notNull(),
    odooState: text('odoo_state'),
    currency: char('currency', { length: 3 }).notNull().default('GBP'),
    retentionRate: numeric('retention_rate', { precision: 7, scale: 4 }).notNull().default('0.0500'),
    retentionMaterialsRate: numeric('retention_materials_rate', { precision: 7, scale: 4 })
      .notNull()
      .default('0.0500'),
    retentionReducedRate: numeric('retention_reduced_rate', { precision: 7, scale: 4 }),
    retentionReducedAfterPercent: numeric('retention_reduced_after_percent', { precision: 7, scale: 4 }),
    retentionCapBasis: retentionCapBasisEnum('retention_cap_basis').notNull().default('revised'),
    retentionCapRate: numeric('retention_cap_rate', { precision: 7, scale: 4 }).notNull().default('0.0500'),
    retentionCapAmount: numeric('retention_cap_amount', { precision: 14, scale: 2 }),
    odooWriteDate: timestamp('odoo_write_date', { withTimezone: true }),
    lastPulledAt: timestamp('last_pulled_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('subcontracts_odoo_po_unique').on(table.odooPurchaseOrderId),
    index('subcontracts_project_idx').on(table.projectId),
    index('subcontracts_vendor_idx').on(table.vendorId),
    check(
      'subcontracts_rates_valid',
      sql`${table.retentionRate} BETWEEN 0 AND 1 AND ${table.retentionMaterialsRate} BETWEEN 0 AND 1 AND ${table.retentionCapRate} BETWEEN 0 AND 1`,
    ),
  ],
);

/**
 * Schedule of values: one line per purchase.order.line. A line added by an approved commitment change
 * order carries that change order's id, unique, so the SOV changes exactly once per change order.
 */
export const sovLines = pgTable(
  'sov_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subcontractId: uuid('subcontract_id')
      .notNull()
      .references(() => subcontracts.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    description: text('description').notNull(),
    costCodeId: uuid('cost_code_id').references(() => costCodes.id),
    scheduledAmount: numeric('scheduled_amount', { precision: 14, scale: 2 }).notNull(),
    odooPurchaseLineId: integer('odoo_purchase_line_id'),
    analyticDistribution: jsonb('analytic_distribution').$type<Record<string, number>>(),
    changeOrderId: uuid('change_order_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('sov_lines_odoo_line_unique').on(table.odooPurchaseLineId),
    uniqueIndex('sov_lines_change_order_unique').on(table.changeOrderId),
    index('sov_lines_subcontract_idx').on(table.subcontractId, table.lineNo),
    index('sov_lines_cost_code_idx').on(table.costCodeId),
  ],
);
