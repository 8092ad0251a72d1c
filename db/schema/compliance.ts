import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { pendingChanges } from './approvals';
import { documents } from './documents';
import { users } from './identity';
import { organisations } from './organisation';
import { partners } from './partners';

/**
 * A vendor's compliance certificate (DOMAIN §8, issue 19): a document of the vendor (documents module,
 * kind 'compliance') with what it certifies and until when. Submitted, then reviewed by finance:
 * accepted (which asks, through dual control, for the vendor's expiry date to become this one) or
 * rejected with a reason. Reviewed once; never deleted (migration `compliance_documents`).
 */
export const complianceDocuments = pgTable(
  'compliance_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    vendorId: uuid('vendor_id')
      .notNull()
      .references(() => partners.id),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    /** insurance → insurance_expires_on, licence → licence_expires_on, tax → tax_certificate_expires_on. */
    type: text('type').notNull(),
    expiresOn: date('expires_on').notNull(),
    status: text('status').notNull().default('submitted'),
    submittedById: uuid('submitted_by_id')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    reviewedById: uuid('reviewed_by_id').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    rejectionReason: text('rejection_reason'),
    /** The dual-control request that accepting asked for (the date changes when it is confirmed). */
    pendingChangeId: uuid('pending_change_id').references(() => pendingChanges.id),
    version: integer('version').notNull().default(1),
  },
  (table) => [
    uniqueIndex('compliance_documents_document_unique').on(table.documentId),
    index('compliance_documents_vendor_idx').on(table.vendorId, table.submittedAt),
    check('compliance_documents_type', sql`${table.type} IN ('insurance', 'licence', 'tax')`),
    check('compliance_documents_status', sql`${table.status} IN ('submitted', 'accepted', 'rejected')`),
    check(
      'compliance_documents_review',
      sql`(${table.status} = 'submitted') = (${table.reviewedById} IS NULL AND ${table.reviewedAt} IS NULL)`,
    ),
    check(
      'compliance_documents_rejection_reason',
      sql`(${table.status} = 'rejected') = (${table.rejectionReason} IS NOT NULL AND length(btrim(${table.rejectionReason})) > 0)`,
    ),
    check(
      'compliance_documents_accepted_change',
      sql`(${table.status} = 'accepted') = (${table.pendingChangeId} IS NOT NULL)`,
    ),
    check(
      'compliance_documents_reviewer_not_submitter',
      sql`${table.reviewedById} <> ${table.submittedById}`,
    ),
  ],
);
