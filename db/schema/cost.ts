import { sql } from 'drizzle-orm';
import {
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
import { costCodes, projects } from './projects';

export const forecastMethodEnum = pgEnum('forecast_method', ['automatic', 'manual', 'committed_only', 'cpi']);

/**
 * How a cost code's forecast to complete is made (DOMAIN §7). No row = automatic. Method changes and
 * overrides are audited; the report shows who set them.
 */
export const costForecasts = pgTable('cost_forecasts', {
  costCodeId: uuid('cost_code_id')
    .primaryKey()
    .references(() => costCodes.id, { onDelete: 'cascade' }),
  projectId: uuid('project_id')
    .notNull()
    .references(() => projects.id),
  method: forecastMethodEnum('method').notNull().default('automatic'),
  manualAmount: numeric('manual_amount', { precision: 14, scale: 2 }),
  earnedValueAmount: numeric('earned_value_amount', { precision: 14, scale: 2 }),
  reason: text('reason'),
  setById: uuid('set_by_id').references(() => users.id),
  setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/** A frozen copy of a project's cost report: every column per code and the totals, for trends. */
export const costSnapshots = pgTable(
  'cost_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    period: date('period').notNull(),
    kind: text('kind').$type<'month_end' | 'on_demand'>().notNull(),
    takenById: uuid('taken_by_id').references(() => users.id),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    estimateAtCompletionAmount: numeric('estimate_at_completion_amount', {
      precision: 14,
      scale: 2,
    }).notNull(),
    revisedBudgetAmount: numeric('revised_budget_amount', { precision: 14, scale: 2 }).notNull(),
    revisedContractAmount: numeric('revised_contract_amount', { precision: 14, scale: 2 }).notNull(),
    actualCostAmount: numeric('actual_cost_amount', { precision: 14, scale: 2 }).notNull(),
    billedAmount: numeric('billed_amount', { precision: 14, scale: 2 }).notNull(),
  },
  (table) => [
    index('cost_snapshots_project_period_idx').on(table.projectId, table.period),
    uniqueIndex('cost_snapshots_month_end_unique')
      .on(table.projectId, table.period)
      .where(sql`${table.kind} = 'month_end'`),
  ],
);
