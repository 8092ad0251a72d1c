import { index, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';

/**
 * One row per sign-in. The session token carries this row's id; every request re-reads it, so
 * signing out (revokedAt) ends the session server-side even though the cookie is a JWT.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('user_sessions_user_idx').on(table.userId)],
);
