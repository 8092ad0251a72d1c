import { sql } from 'drizzle-orm';
import {
  bigint,
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
  unique,
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

const sum = (name: string) => numeric(name, { precision: 18, scale: 2 }).notNull().default('0');
/** DOMAIN §7's additive sums of one cost code: the totals row's columns and a delta's (cost_totals_delta). */
const codeSums = () => ({
  ob: sum('ob'),
  bt: sum('bt'),
  aco: sum('aco'),
  pbc: sum('pbc'),
  proceeding: sum('proceeding'),
  pcc: sum('pcc'),
  cc: sum('cc'),
  ccFromCos: sum('cc_from_cos'),
  ccLines: integer('cc_lines').notNull().default(0),
  ac: sum('ac'),
  dc: sum('dc'),
  acLines: integer('ac_lines').notNull().default(0),
});

/**
 * The sums of DOMAIN §7 per cost code (and one row per project for what is on no cost code,
 * `cost_code_id` NULL), maintained by triggers in the transaction that writes the source rows
 * (migration `cost_totals_maintained`): budget revisions (BT, ACO), change-order lines of pending COs
 * (PBC, proceeding, PCC), SOV lines of subcontracts not cancelled (CC), analytic lines (AC, DC); the
 * code's original budget and forecast are copied in, and `ftc`, `uncommitted` and `is_automatic` are
 * derived from the row by a trigger. Read-only to the application (db/runtime-role.ts); the database
 * refuses a write that does not come from a maintaining trigger or `cost_totals_rebuild()`, and
 * `cost_totals_verify()` compares every figure with a full aggregation of history.
 */
export const costCodeTotals = pgTable(
  'cost_code_totals',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    costCodeId: uuid('cost_code_id').references(() => costCodes.id, { onDelete: 'cascade' }),
    ...codeSums(),
    method: forecastMethodEnum('method').notNull().default('automatic'),
    manualAmount: numeric('manual_amount', { precision: 14, scale: 2 }),
    earnedValueAmount: numeric('earned_value_amount', { precision: 14, scale: 2 }),
    ftc: sum('ftc'),
    uncommitted: sum('uncommitted'),
    isAutomatic: boolean('is_automatic').notNull().default(true),
  },
  (table) => [
    unique('cost_code_totals_key').on(table.projectId, table.costCodeId).nullsNotDistinct(),
    index('cost_code_totals_code_idx').on(table.costCodeId),
  ],
);

/**
 * Per project: the column sums of its `cost_code_totals` rows and the project figures of the
 * portfolio (approved client changes, billed and retention receivable from milestones, certified and
 * retention payable from each subcontract's last approved claim), maintained by the same triggers. The
 * portfolio reads one row per project from here instead of aggregating history (issue 18).
 */
export const projectCostTotals = pgTable('project_cost_totals', {
  projectId: uuid('project_id')
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  ob: sum('ob'),
  bt: sum('bt'),
  aco: sum('aco'),
  pbc: sum('pbc'),
  proceeding: sum('proceeding'),
  pcc: sum('pcc'),
  cc: sum('cc'),
  ac: sum('ac'),
  dc: sum('dc'),
  ftc: sum('ftc'),
  uncommitted: sum('uncommitted'),
  automaticCodes: integer('automatic_codes').notNull().default(0),
  approvedClientChanges: sum('approved_client_changes'),
  billed: sum('billed'),
  retentionReceivable: sum('retention_receivable'),
  certified: sum('certified'),
  retentionPayable: sum('retention_payable'),
});

/**
 * The sums a transaction changes, held until it commits (issue 18): the maintaining triggers append
 * their deltas here instead of updating the totals rows, and a deferred constraint trigger (on
 * `cost_totals_deferred_tx`, one event per transaction) folds this transaction's rows into
 * `cost_code_totals` / `project_cost_totals` at COMMIT and deletes them. So a project's totals row is
 * locked only from the fold to the end of the commit, not from the first cost-affecting statement
 * through every later statement and round trip of the transaction. Rows never outlive their
 * transaction; `txid` is the writer's `pg_current_xact_id()`. `figures` names a project figure to
 * recompute ('contract_revisions', 'milestones', 'claims') instead of a delta. Written only by the
 * maintaining functions (the application holds no privilege on it: db/runtime-role.ts).
 */
export const costTotalsDeferred = pgTable(
  'cost_totals_deferred',
  {
    txid: bigint('txid', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
    projectId: uuid('project_id').notNull(),
    costCodeId: uuid('cost_code_id'),
    figures: text('figures'),
    ...codeSums(),
  },
  (table) => [index('cost_totals_deferred_txid_idx').on(table.txid)],
);

/** One row per transaction with deltas waiting: its insert queues the transaction's single fold. */
export const costTotalsDeferredTx = pgTable('cost_totals_deferred_tx', {
  txid: bigint('txid', { mode: 'number' })
    .primaryKey()
    .default(sql`(pg_current_xact_id()::text)::bigint`),
});
