import { sql } from 'drizzle-orm';
import {
  char,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './organisation';

/** Mirrors Odoo's project.project; Plumbline adds code, contract and retention terms. */
export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    clientName: text('client_name'),
    currency: char('currency', { length: 3 }).notNull().default('GBP'),
    originalContractAmount: numeric('original_contract_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    clientRetentionRate: numeric('client_retention_rate', { precision: 7, scale: 4 }).notNull().default('0'),
    startDate: date('start_date'),
    endDate: date('end_date'),
    odooId: integer('odoo_id'),
    odooAnalyticAccountId: integer('odoo_analytic_account_id'),
    odooSaleOrderId: integer('odoo_sale_order_id'),
    odooCustomerId: integer('odoo_customer_id'),
    /** The Odoo company the project's documents belong to (project.project.company_id, learned by the pull). */
    odooCompanyId: integer('odoo_company_id'),
    odooWriteDate: timestamp('odoo_write_date', { withTimezone: true }),
    lastPulledAt: timestamp('last_pulled_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('projects_code_unique').on(table.organisationId, table.code),
    uniqueIndex('projects_odoo_id_unique').on(table.odooId),
    check('projects_contract_non_negative', sql`${table.originalContractAmount} >= 0`),
  ],
);

/** The project's cost breakdown; the original budget is locked at baseline. */
export const costCodes = pgTable(
  'cost_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    originalBudgetAmount: numeric('original_budget_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    odooAnalyticAccountId: integer('odoo_analytic_account_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('cost_codes_project_code_unique').on(table.projectId, table.code),
    index('cost_codes_project_idx').on(table.projectId),
  ],
);
