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
