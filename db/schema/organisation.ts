import { sql } from 'drizzle-orm';
import { check, char, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One deployment serves one contracting organisation; its settings live in this single row. */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('GBP'),
    /** IANA zone; every "today" (document dates, overdue and expiry rules) is this zone's date. */
    timeZone: text('time_zone').notNull().default('UTC'),
    pmLimitAmount: numeric('pm_limit_amount', { precision: 14, scale: 2 }).notNull().default('25000.00'),
    executiveLimitAmount: numeric('executive_limit_amount', { precision: 14, scale: 2 })
      .notNull()
      .default('250000.00'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'organisations_limits_positive',
      sql`${table.pmLimitAmount} >= 0 AND ${table.executiveLimitAmount} >= 0`,
    ),
    check('organisations_limits_ordered', sql`${table.executiveLimitAmount} >= ${table.pmLimitAmount}`),
  ],
);
