import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './organisation';
import { syncStatusEnum } from './sync-status';

/**
 * Vendors and customers, mirrored from Odoo's res.partner. Compliance dates and bank details are
 * Plumbline's own (Odoo does not hold them); bank details are visible to finance only.
 */
export const partners = pgTable(
  'partners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    odooId: integer('odoo_id'),
    name: text('name').notNull(),
    vat: text('vat'),
    ref: text('ref'),
    isVendor: boolean('is_vendor').notNull().default(false),
    isCustomer: boolean('is_customer').notNull().default(false),
    insuranceExpiresOn: date('insurance_expires_on'),
    licenceExpiresOn: date('licence_expires_on'),
    /**
     * Plumbline's own switch for the vendor (issue 19): while false its portal contacts cannot sign in
     * (every request re-checks it) and no invitation is issued or accepted.
     */
    isActive: boolean('is_active').notNull().default(true),
    /** A tax clearance certificate's expiry: its own date (not the licence's), same dual control. */
    taxCertificateExpiresOn: date('tax_certificate_expires_on'),
    /** The compliance partner tag in Odoo ("Compliance: expired"), synced as record type 'vendor'. */
    complianceSyncStatus: syncStatusEnum('compliance_sync_status').notNull().default('not_required'),
    /**
     * Whether the Odoo partner carries the tag, as the last sync left it (null: never synced). The
     * hourly evaluation asks for a sync of every vendor whose state today disagrees with it.
     */
    odooComplianceTagged: boolean('odoo_compliance_tagged'),
    bankAccountName: text('bank_account_name'),
    bankAccountNumber: text('bank_account_number'),
    odooWriteDate: timestamp('odoo_write_date', { withTimezone: true }),
    lastPulledAt: timestamp('last_pulled_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('partners_odoo_id_unique').on(table.organisationId, table.odooId),
    index('partners_name_idx').on(sql`lower(${table.name})`),
  ],
);
