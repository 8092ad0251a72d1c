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
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { projects } from './projects';
import { sovLines, subcontracts } from './subcontracts';
import { syncStatusEnum } from './sync';

export const claimTypeEnum = pgEnum('claim_type', ['progress', 'retention_release']);
export const claimStatusEnum = pgEnum('claim_status', [
  'draft',
  'submitted',
  'certified',
  'approved',
  'released',
  'posted',
  'paid',
  'rejected',
]);
export const retentionReleaseStageEnum = pgEnum('retention_release_stage', [
  'practical_completion',
  'end_of_defects',
]);

/**
 * A subcontractor's payment application for a period. Money is cumulative to date; the totals are
 * computed by claim.calc.ts and frozen here when the claim is certified and again when approved, so
 * the bill, the certificate and the next claim's "previous" all read the same figures.
 */
export const claims = pgTable(
  'claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subcontractId: uuid('subcontract_id')
      .notNull()
      .references(() => subcontracts.id),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    number: integer('number').notNull(),
    revision: integer('revision').notNull().default(1),
    reference: text('reference').notNull(),
    type: claimTypeEnum('type').notNull().default('progress'),
    retentionReleaseStage: retentionReleaseStageEnum('retention_release_stage'),
    periodEnd: date('period_end').notNull(),
    status: claimStatusEnum('status').notNull().default('draft'),
    previousRevisionId: uuid('previous_revision_id').references((): AnyPgColumn => claims.id),
    materialsStoredToDateAmount: numeric('materials_stored_to_date_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    /** Materials on site as the subcontractor claimed them (DOMAIN §4); the certified figure is above. */
    materialsClaimedToDateAmount: numeric('materials_claimed_to_date_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    /** Why the certified materials differ from the claimed figure (required whenever they do). */
    materialsReason: text('materials_reason'),
    claimedToDateAmount: numeric('claimed_to_date_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    certifiedToDateAmount: numeric('certified_to_date_amount', { precision: 14, scale: 2 }),
    completedToDateAmount: numeric('completed_to_date_amount', { precision: 14, scale: 2 }),
    retentionHeldToDateAmount: numeric('retention_held_to_date_amount', { precision: 14, scale: 2 }),
    retentionReleasedToDateAmount: numeric('retention_released_to_date_amount', { precision: 14, scale: 2 }),
    retentionReleasedThisClaimAmount: numeric('retention_released_this_claim_amount', {
      precision: 14,
      scale: 2,
    }),
    deductionsToDateAmount: numeric('deductions_to_date_amount', { precision: 14, scale: 2 }),
    netToDateAmount: numeric('net_to_date_amount', { precision: 14, scale: 2 }),
    dueAmount: numeric('due_amount', { precision: 14, scale: 2 }),
    rejectionReason: text('rejection_reason'),
    /** The subcontractor's own invoice number for this application (issue 19). */
    vendorInvoiceNumber: text('vendor_invoice_number'),
    /** When the submitting subcontractor made the declaration (a claim they submit carries one). */
    declaredAt: timestamp('declared_at', { withTimezone: true }),
    declaredById: uuid('declared_by_id').references(() => users.id),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id),
    submittedById: uuid('submitted_by_id').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    certifiedById: uuid('certified_by_id').references(() => users.id),
    certifiedAt: timestamp('certified_at', { withTimezone: true }),
    approvedById: uuid('approved_by_id').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    releasedById: uuid('released_by_id').references(() => users.id),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    odooBillId: integer('odoo_bill_id'),
    odooBillName: text('odoo_bill_name'),
    odooBillState: text('odoo_bill_state'),
    odooPaymentState: text('odoo_payment_state'),
    odooBillAmount: numeric('odoo_bill_amount', { precision: 14, scale: 2 }),
    syncStatus: syncStatusEnum('sync_status').notNull().default('not_required'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('claims_number_revision_unique').on(table.subcontractId, table.number, table.revision),
    uniqueIndex('claims_reference_revision_unique').on(table.reference, table.revision),
    index('claims_project_status_idx').on(table.projectId, table.status),
    index('claims_status_period_idx').on(table.status, table.periodEnd),
    index('claims_subcontract_idx').on(table.subcontractId, table.number),
    index('claims_sync_idx').on(table.syncStatus),
    // the lists' "no newer revision" anti-join (BENCHMARKS.md, bench:read)
    index('claims_previous_revision_idx')
      .on(table.previousRevisionId)
      .where(sql`${table.previousRevisionId} IS NOT NULL`),
    // DOMAIN §4: each retention release stage once per subcontract (a rejected one may be revised)
    uniqueIndex('claims_one_release_per_stage')
      .on(table.subcontractId, table.retentionReleaseStage)
      .where(sql`${table.type} = 'retention_release' AND ${table.status} <> 'rejected'`),
    check(
      'claims_release_stage_matches_type',
      sql`(${table.type} = 'retention_release') = (${table.retentionReleaseStage} IS NOT NULL)`,
    ),
    // segregation of duties on the step columns themselves, so a direct UPDATE cannot merge two steps
    check(
      'claims_approver_took_no_other_step',
      sql`${table.approvedById} NOT IN (${table.createdById}, ${table.submittedById}, ${table.certifiedById})`,
    ),
    // a claim cannot reach a decided state without the person who decided it on record
    check(
      'claims_certified_has_certifier',
      sql`${table.status} NOT IN ('certified', 'approved', 'released', 'posted', 'paid') OR ${table.certifiedById} IS NOT NULL`,
    ),
    check(
      'claims_approved_has_approver',
      sql`${table.status} NOT IN ('approved', 'released', 'posted', 'paid') OR ${table.approvedById} IS NOT NULL`,
    ),
    check(
      'claims_released_has_releaser',
      sql`${table.status} NOT IN ('released', 'posted', 'paid') OR ${table.releasedById} IS NOT NULL`,
    ),
    check(
      'claims_releaser_took_no_other_step',
      sql`${table.releasedById} NOT IN (${table.createdById}, ${table.submittedById}, ${table.certifiedById}, ${table.approvedById})`,
    ),
  ],
);

/** One line per SOV line: claimed and certified to date, with the previous certified value frozen. */
export const claimLines = pgTable(
  'claim_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    sovLineId: uuid('sov_line_id')
      .notNull()
      .references(() => sovLines.id),
    scheduledAmount: numeric('scheduled_amount', { precision: 14, scale: 2 }).notNull(),
    previousCertifiedAmount: numeric('previous_certified_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    claimedToDateAmount: numeric('claimed_to_date_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('0'),
    certifiedToDateAmount: numeric('certified_to_date_amount', { precision: 14, scale: 2 }),
    certifyReason: text('certify_reason'),
  },
  (table) => [
    uniqueIndex('claim_lines_claim_sov_unique').on(table.claimId, table.sovLineId),
    index('claim_lines_sov_idx').on(table.sovLineId),
    check(
      'claim_lines_certified_within_sov',
      sql`${table.certifiedToDateAmount} IS NULL OR (${table.certifiedToDateAmount} >= 0 AND ${table.certifiedToDateAmount} <= ${table.scheduledAmount})`,
    ),
    check('claim_lines_claimed_non_negative', sql`${table.claimedToDateAmount} >= 0`),
  ],
);

export const deductionKindEnum = pgEnum('deduction_kind', ['back_charge', 'contra_charge']);

/** Back-charges and contra charges: approved with the claim that carries them. */
export const claimDeductions = pgTable(
  'claim_deductions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    kind: deductionKindEnum('kind').notNull(),
    description: text('description').notNull(),
    reason: text('reason').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  },
  (table) => [
    index('claim_deductions_claim_idx').on(table.claimId),
    check('claim_deductions_positive', sql`${table.amount} > 0`),
  ],
);
